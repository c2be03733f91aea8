import { redactUrl } from '@gatehouse/common';

/**
 * The pino `req` serializer of every request log line Fastify writes: the URL passes through `redactUrl`, so a
 * callback's `code` and `state` (or a token someone put in a query) never reach the log (docs/security.md 14),
 * whatever logger the embedding application passed to `startApi`. Headers are not logged at all.
 */
export function redactedRequest(req: { id?: unknown; method?: string; url?: string; ip?: string }): {
  id: unknown;
  method: string | undefined;
  url: string | undefined;
  ip: string | undefined;
} {
  return {
    id: req.id,
    method: req.method,
    url: req.url === undefined ? undefined : redactUrl(req.url),
    ip: req.ip,
  };
}
