import type { IncomingHttpHeaders } from 'node:http';
import { REFRESH_COOKIE, TRANSACTION_COOKIE_PREFIX } from '../http/cookie-names.js';
import { GATEHOUSE_HEADER_PREFIX } from './identity-headers.js';

// Request headers undici refuses to send (it throws) or that name this hop only: `expect` is answered by
// Node's server itself (100 Continue), the others are hop-by-hop (RFC 9110 7.6.1). reply-from has already
// removed `connection` and every header it lists.
const HOP_ONLY = [
  'expect',
  'keep-alive',
  'upgrade',
  'proxy-connection',
  'proxy-authorization',
  'te',
  'trailer',
];

// Who the client is and how it came, as a client may claim it: replaced by what Gatehouse knows.
const CLAIMED_ORIGIN = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip'];

/** Where a forwarded request came from, as Gatehouse established it. */
export interface ForwardedFrom {
  /** The client's address: the socket's, or behind `API_TRUST_PROXY` the one the proxy appended. */
  readonly address: string;
  /** PUBLIC_URL, the origin the browser used. */
  readonly publicUrl: URL;
}

/** True for a cookie Gatehouse reads itself: the refresh cookie and the login-transaction cookies. */
export function isGatehouseCookie(name: string): boolean {
  const lower = name.trim().toLowerCase();
  return lower === REFRESH_COOKIE.toLowerCase() || lower.startsWith(TRANSACTION_COOKIE_PREFIX.toLowerCase());
}

/**
 * The headers an upstream receives (docs/security.md 34): the client's, less any `X-Gatehouse-*` it sent (any
 * case and repetition: Node lower-cases names and joins repeats under one key; also spelt with `_`, which
 * CGI, WSGI and PHP read as `-`), less Gatehouse's own cookies (the others kept, in order), less this hop's
 * headers, plus `identity` (the verified user). The `Authorization` header stays: it is the API's token that
 * was just verified, which an upstream may verify again against `/.well-known/jwks.json`. A GET or HEAD body is
 * not forwarded, so its length is not either. `Forwarded`, `X-Real-IP` and `X-Forwarded-*` as the client sent
 * them are dropped, and `X-Forwarded-For`, `-Proto`, `-Host` set from `from`, so that an upstream that logs or
 * limits by address reads the client's, not one the client chose (docs/security.md 37).
 */
export function forwardedRequestHeaders(
  headers: IncomingHttpHeaders,
  identity: Readonly<Record<string, string>>,
  method: string,
  from: ForwardedFrom,
): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.replaceAll('_', '-').toLowerCase().startsWith(GATEHOUSE_HEADER_PREFIX)) continue;
    out[name] = value;
  }
  for (const name of HOP_ONLY) delete out[name];
  for (const name of CLAIMED_ORIGIN) delete out[name];
  out['x-forwarded-for'] = from.address;
  out['x-forwarded-proto'] = from.publicUrl.protocol.slice(0, -1);
  out['x-forwarded-host'] = from.publicUrl.host;
  if (method === 'GET' || method === 'HEAD') {
    delete out['content-length'];
    delete out['transfer-encoding'];
  }
  if (out.cookie !== undefined) {
    const kept = out.cookie
      .split(';')
      .filter((pair) => pair.trim() !== '' && !isGatehouseCookie(pair.split('=', 1)[0] ?? ''))
      .map((pair) => pair.trim())
      .join('; ');
    if (kept === '') delete out.cookie;
    else out.cookie = kept;
  }
  return Object.assign(out, identity);
}
