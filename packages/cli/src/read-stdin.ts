import { usage } from './cli-error.js';

/**
 * Reads a secret from standard input (`--password-stdin`, `--secret-stdin`): the whole input up to `maxBytes`,
 * with one trailing newline removed. Refuses an interactive terminal with nothing piped, and oversized input.
 */
export async function readStdinSecret(
  stdin: NodeJS.ReadableStream,
  what: string,
  maxBytes = 4096,
): Promise<string> {
  if ((stdin as NodeJS.ReadStream).isTTY) {
    throw usage(`${what} is read from standard input: pipe it in, e.g. printf '%s' "$SECRET" | gatehouse …`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.byteLength;
    if (size > maxBytes) throw usage(`${what} on standard input is longer than ${maxBytes} bytes`);
    chunks.push(buffer);
  }
  const value = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (value === '') throw usage(`${what} on standard input is empty`);
  return value;
}
