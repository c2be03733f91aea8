import type { IncomingHttpHeaders } from 'node:http';
import { isGatehouseCookie } from './forwarded-request-headers.js';

/**
 * The upstream's response headers as the client receives them (docs/security.md 34): a `Set-Cookie` for one
 * of Gatehouse's cookie names is dropped, so that an upstream can neither plant nor clear the refresh or a
 * login-transaction cookie; its other cookies pass.
 */
export function upstreamResponseHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const cookies = headers['set-cookie'];
  if (cookies === undefined) return headers;
  const list = Array.isArray(cookies) ? cookies : [cookies];
  const kept = list.filter((cookie) => !isGatehouseCookie(cookie.split('=', 1)[0] ?? ''));
  const out = { ...headers };
  if (kept.length === 0) delete out['set-cookie'];
  else out['set-cookie'] = kept;
  return out;
}
