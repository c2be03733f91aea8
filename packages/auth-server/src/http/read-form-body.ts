import type { IncomingMessage } from 'node:http';

/** Form bodies larger than this are refused with 413 before any parsing or hashing (docs/security.md 33). */
export const MAX_FORM_BYTES = 16 * 1024;

/** Why a form body was refused. */
export class FormBodyError extends Error {
  readonly status: 413 | 415 | 400;
  constructor(status: 413 | 415 | 400, message: string) {
    super(message);
    this.name = 'FormBodyError';
    this.status = status;
  }
}

/**
 * Reads an `application/x-www-form-urlencoded` body of at most `maxBytes`, stopping as soon as the limit is
 * passed (a declared Content-Length over it is refused without reading). Repeated fields keep the first value.
 * Leaving the `for await` early destroys the request but not the connection (Node detaches the socket from a
 * server request before destroying it), so the caller can still answer 413; it sends `Connection: close` so
 * that the rest of the body is not read.
 */
export async function readFormBody(
  req: IncomingMessage,
  maxBytes = MAX_FORM_BYTES,
): Promise<Record<string, string>> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new FormBodyError(415, 'expected application/x-www-form-urlencoded');
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw new FormBodyError(413, 'form too large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.byteLength;
    if (size > maxBytes) throw new FormBodyError(413, 'form too large');
    chunks.push(buffer);
  }
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, value] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) {
    if (!(key in fields)) fields[key] = value;
  }
  return fields;
}
