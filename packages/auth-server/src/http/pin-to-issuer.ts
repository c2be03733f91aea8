import type { TrustedProxies } from '@gatehouse/common';
import type { Context, Next } from 'koa';
import { errorPage } from '../pages/error-page.js';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Koa middleware, first in line: every absolute URL the provider builds (discovery's endpoints, the interaction's
 * `returnTo`, redirects, a client assertion's audience) comes from the configured issuer, never from the request
 * (docs/security.md 52). oidc-provider builds them from Koa's `ctx.href` (protocol and `Host`, or an absolute-form
 * request target), so a request with `Host: evil.example` listed `http://evil.example/token` in discovery; a
 * shared cache could keep that and send clients elsewhere. Here `ctx.request.origin` and `href` are pinned to the
 * issuer for the request (cookies still follow the connection: Koa's `secure` is untouched).
 *
 * Unless it came from a trusted proxy (`AUTH_TRUST_PROXY`), a request for another host than the issuer's is also
 * refused with 421 Misdirected Request (RFC 9110 15.5.20: this server cannot answer for that origin) rather than served
 * with the issuer's URLs: nothing is served under a name that is not ours, which also defeats DNS rebinding (a
 * page at evil.example whose name is made to point at 127.0.0.1 could otherwise read every page it loads here).
 * A loopback issuer also answers at its loopback aliases (`127.0.0.1`, `[::1]`, same port), which a browser
 * page on another site can never send as its Host. Behind a trusted proxy, the proxy chooses which hosts reach
 * us (it may name its upstream, e.g. `127.0.0.1:4000`), so only the pinning applies; `X-Forwarded-Host` is never
 * used for a URL.
 */
export function pinToIssuer(issuer: string, trustProxy: TrustedProxies) {
  const pinned = new URL(issuer);
  const allowed = new Set([pinned.host]);
  if (LOOPBACK_NAMES.has(pinned.hostname)) {
    for (const name of LOOPBACK_NAMES) allowed.add(pinned.port ? `${name}:${pinned.port}` : name);
  }
  return async function pinToIssuerMiddleware(ctx: Context, next: Next): Promise<void> {
    const target = absoluteTarget(ctx.originalUrl);
    const viaProxy = trustProxy.trusts(ctx.req.socket.remoteAddress);
    if (!viaProxy && !allowed.has(authorityOf(target?.host ?? ctx.req.headers.host, pinned.protocol))) {
      misdirected(ctx);
      return;
    }
    const pathAndQuery = target ? `${target.pathname}${target.search}` : ctx.originalUrl;
    Object.defineProperties(ctx.request, {
      origin: { value: pinned.origin },
      href: { value: `${pinned.origin}${pathAndQuery}` },
      host: { value: pinned.host },
      hostname: { value: pinned.hostname },
    });
    await next();
  };
}

/** The request target when it is in absolute form (`GET http://host/path`): RFC 9112 3.2.2, it names the host. */
function absoluteTarget(url: string): URL | undefined {
  if (!/^https?:\/\//i.test(url)) return undefined;
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** `host[:port]` as the URL parser normalises it for the issuer's scheme (default port dropped), or ''. */
function authorityOf(host: string | undefined, protocol: string): string {
  if (!host) return '';
  try {
    const url = new URL(`${protocol}//${host}`);
    // Anything after the authority (a path, credentials) means it was not a bare host.
    return url.pathname === '/' && url.username === '' && url.search === '' ? url.host : '';
  } catch {
    return '';
  }
}

function misdirected(ctx: Context): void {
  ctx.status = 421;
  // The requested name is not echoed: it is the attacker's input.
  if (ctx.accepts('html', 'json') === 'html') {
    ctx.type = 'html';
    ctx.body = errorPage({ error: 'misdirected_request' });
  } else {
    ctx.body = {
      error: 'misdirected_request',
      error_description: 'This server answers only for its issuer URL.',
    };
  }
}
