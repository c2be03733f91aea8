import { createRequire } from 'node:module';
import type { DestinationStream } from 'pino';

type PinoPretty = typeof import('pino-pretty');

/**
 * A pino destination that writes each event as one readable line to `out` (time, level, name, message, then the
 * remaining fields as compact JSON), synchronously, so log lines and a program's own output keep their order.
 * An error is shortened to its type, message and the frame that threw: one line per event, even then.
 * It receives what pino has already serialized, so redaction has happened before it sees anything.
 */
export function prettyDestination(
  out: { write(chunk: string): unknown; readonly isTTY?: boolean },
  options: { readonly colors?: boolean } = {},
): DestinationStream {
  // Loaded only for a terminal, so that production starts never load it.
  const { prettyFactory } = createRequire(import.meta.url)('pino-pretty') as PinoPretty;
  const prettify = prettyFactory({
    colorize: options.colors ?? out.isTTY === true,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    // Error objects are ours to shorten below; pino-pretty would print their stacks over many lines.
    errorLikeObjectKeys: [],
  });
  return {
    write(line: string) {
      const event = JSON.parse(line) as Record<string, unknown>;
      for (const key of ['err', 'error']) {
        if (isSerializedError(event[key])) event[key] = oneLineError(event[key]);
      }
      out.write(prettify(event));
    },
  };
}

interface SerializedError {
  readonly type?: unknown;
  readonly message: string;
  readonly stack?: unknown;
}

function isSerializedError(value: unknown): value is SerializedError {
  return (
    typeof value === 'object' && value !== null && typeof (value as SerializedError).message === 'string'
  );
}

function oneLineError(error: SerializedError): string {
  const type = typeof error.type === 'string' ? error.type : 'Error';
  const frame = typeof error.stack === 'string' ? /\n\s+at (.+)/.exec(error.stack)?.[1] : undefined;
  const text = `${type}: ${error.message}`.replace(/\s*\n\s*/g, ' ');
  return frame === undefined ? text : `${text} (at ${frame})`;
}
