import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { preParsingHookHandler } from 'fastify';

/**
 * When Express's own body parser (`express.json()`, `express.urlencoded()`, `express.raw()`, `express.text()`)
 * ran before the router, the request stream is spent and its body sits in `req.body`: Fastify would wait for
 * bytes that never come. This gives Gatehouse's routes the same body again, encoded back from `req.body` as
 * its content type says, with the length the client declared (so that Fastify's length check and body limit
 * apply as to the original). A stream nobody read passes as it is.
 */
export const replayConsumedBody: preParsingHookHandler = (request, _reply, payload, done) => {
  const raw = request.raw as IncomingMessage & { body?: unknown };
  if (!raw.readableEnded) {
    done(null, payload);
    return;
  }
  const bytes = encode(raw.body, String(request.headers['content-type'] ?? ''));
  const replay = Readable.from(bytes.length === 0 ? [] : [bytes]) as Readable & {
    receivedEncodedLength?: number;
  };
  const declared = Number(request.headers['content-length']);
  if (Number.isSafeInteger(declared) && declared >= 0) replay.receivedEncodedLength = declared;
  done(null, replay);
};

function encode(body: unknown, contentType: string): Buffer {
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body);
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (/^application\/x-www-form-urlencoded\b/i.test(contentType) && typeof body === 'object') {
    const fields = Object.entries(body).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    );
    return Buffer.from(new URLSearchParams(fields).toString());
  }
  return Buffer.from(JSON.stringify(body));
}
