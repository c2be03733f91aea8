import type { FastifyInstance } from 'fastify';

/** The Content-Security-Policy of every response (the SPA's, which is also safe for JSON). */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; object-src 'none'; form-action 'self'";

/** Path prefixes whose responses may carry tokens or personal data: never cached (RFC 6749 5.1, BBA). */
const NO_STORE_PREFIXES = ['/api/', '/authorization-code/'];

/**
 * Adds the security headers to every response: nosniff, no referrer (the callback URL carries a code),
 * no framing, the CSP, and `Cache-Control: no-store` on the API. No CORS header is ever set (SECURITY.md 23).
 */
export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('cross-origin-resource-policy', 'same-origin');
    if (NO_STORE_PREFIXES.some((prefix) => request.url.startsWith(prefix))) {
      reply.header('cache-control', 'no-store');
      reply.header('pragma', 'no-cache');
    }
    reply.removeHeader('access-control-allow-origin');
    reply.removeHeader('access-control-allow-credentials');
    return payload;
  });
}
