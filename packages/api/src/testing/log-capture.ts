import { createLogger, type Logger } from '@gatehouse/common';

/** A logger whose JSON lines are kept in memory, so tests can assert that no secret was ever logged. */
export function captureLogs(): { logger: Logger; lines: string[]; text(): string } {
  const lines: string[] = [];
  const logger = createLogger(
    { name: 'gatehouse-api-test', level: 'trace' },
    { write: (line: string) => lines.push(line) },
  );
  return { logger, lines, text: () => lines.join('') };
}
