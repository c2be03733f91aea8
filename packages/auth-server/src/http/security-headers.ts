import type { Context, Next } from 'koa';

/**
 * The Content-Security-Policy of every page: nothing from another origin, no framing (docs/security.md 28,
 * RFC 9700 4.16), no `<base>`. `script-src 'self'`: the passkey pages load two scripts of this origin (never
 * inline), and oidc-provider's form_post page adds the hash of its one auto-submit script (its
 * lib/helpers/script_src_sha.js needs the directive present). Deliberately no `form-action 'self'`: Chrome applies it to the redirect chain after a POST, which
 * would block the 303 to the client's redirect_uri.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'";

/** Koa middleware: security headers on every response, and `no-store` on every HTML page. */
export async function securityHeaders(ctx: Context, next: Next): Promise<void> {
  ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  ctx.set('X-Frame-Options', 'DENY');
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'no-referrer');
  try {
    await next();
  } finally {
    if (ctx.response.is('html')) ctx.set('Cache-Control', 'no-store');
  }
}
