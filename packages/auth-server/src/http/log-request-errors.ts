import type { Logger } from '@gatehouse/common';

/** Errors of a request the client cut short: it went away, sent a broken request, or was too slow. */
const CLIENT_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'ERR_HTTP_REQUEST_TIMEOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/**
 * The provider's Koa `error` listener. Without one Koa prints every error it is told of to stderr, stack and all:
 * a client that stops halfway through a body and is cut off by the request timeout (docs/security.md 50) made one
 * stack trace per connection. A request the client cut short is a debug line (the connection bounds warn about
 * floods); anything else is one error line.
 */
export function logRequestErrors(logger: Logger): (error: Error & { code?: unknown }) => void {
  return (error) => {
    const code = typeof error.code === 'string' ? error.code : undefined;
    if (code !== undefined && (CLIENT_CODES.has(code) || code.startsWith('HPE_'))) {
      logger.debug(
        { event: 'request_aborted', code },
        'a request ended before it was answered: the client went away, was too slow, or sent a broken request',
      );
      return;
    }
    logger.error({ err: error }, 'request failed');
  };
}
