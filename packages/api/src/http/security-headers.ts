import type { FastifyInstance } from 'fastify';

/** The Content-Security-Policy of every response (the SPA's, which is also safe for JSON). */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; object-src 'none'; form-action 'self'";

// Built once at start: every response gets the same set, so the hook only picks one of two frozen objects.
const EVERY_RESPONSE: Readonly<Record<string, string>> = Object.freeze({
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
});
const NOT_STORED: Readonly<Record<string, string>> = Object.freeze({
  ...EVERY_RESPONSE,
  'cache-control': 'no-store',
  pragma: 'no-cache',
});

/** Marks an app whose every response already gets these headers (so the plugin does not add them twice). */
const kSecurityHeaders = Symbol('gatehouse.securityHeaders');

/** True when {@link registerSecurityHeaders} already covers this app's responses (from an enclosing context). */
export function hasSecurityHeaders(app: FastifyInstance): boolean {
  return app.hasDecorator(kSecurityHeaders);
}

/**
 * Adds the security headers to every response of `app` (and the contexts it encloses): nosniff, no referrer (the callback URL carries a code),
 * no framing, the CSP, and `Cache-Control: no-store` (RFC 6749 5.1, BBA) on every response whose route did not
 * choose a cache policy of its own: only the SPA's files (@fastify/static sets theirs on the raw response) and
 * the public JWKS do. No CORS header is ever set (docs/security.md 23).
 * A synchronous hook: it runs on every request, and an async one costs a promise per response.
 */
export function registerSecurityHeaders(app: FastifyInstance): void {
  app.decorate(kSecurityHeaders, true);
  app.addHook('onSend', (_request, reply, payload, done) => {
    // Decided on the response, never on `request.url`: the router percent-decodes the path and accepts
    // absolute-form targets, so `/%61pi/callback` or `http://host/api/callback` reach the token-issuing
    // handlers although the raw URL does not start with `/api/`. Secure by default: a route opts out, not in.
    const ownPolicy = reply.hasHeader('cache-control') || reply.raw.hasHeader('cache-control');
    reply.headers(ownPolicy ? EVERY_RESPONSE : NOT_STORED);
    reply.removeHeader('access-control-allow-origin');
    reply.removeHeader('access-control-allow-credentials');
    done(null, payload);
  });
}
