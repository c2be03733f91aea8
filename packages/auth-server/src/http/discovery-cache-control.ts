import type { Context, Next } from 'koa';

/** Path of the discovery document (OIDC Discovery 1.0, 4). */
const DISCOVERY_PATH = '/.well-known/openid-configuration';

/**
 * Discovery's `Cache-Control`, chosen here: `public, max-age=300`. It is the same for every request (every URL in
 * it comes from the issuer, http/pin-to-issuer.ts), so any cache may keep it, and five minutes bounds how long a
 * change of configuration takes to reach clients.
 */
export async function discoveryCacheControl(ctx: Context, next: Next): Promise<void> {
  await next();
  if (ctx.path === DISCOVERY_PATH && ctx.status === 200) ctx.set('Cache-Control', 'public, max-age=300');
}
