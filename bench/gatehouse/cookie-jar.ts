interface StoredCookie {
  name: string;
  value: string;
  host: string;
  path: string;
  expiresAt: number | undefined;
}

/**
 * A minimal browser-like cookie jar for the benchmark's HTTP client. Like a browser (RFC 6265 8.5), cookies
 * are scoped by host, not port, so the API on one localhost port and the auth server on another see each
 * other's cookies exactly as they would in Chromium. `Secure` is accepted over http://localhost because
 * browsers treat localhost as a secure context. Not a general-purpose jar: no Domain attribute handling
 * beyond host-only cookies, which is all Gatehouse sets.
 */
export class CookieJar {
  readonly #cookies = new Map<string, StoredCookie>();

  /** Another jar holding the same cookies, which then live apart (a cookie copied before it rotates). */
  copy(): CookieJar {
    const copied = new CookieJar();
    for (const [id, cookie] of this.#cookies) copied.#cookies.set(id, { ...cookie });
    return copied;
  }

  /** Stores every `Set-Cookie` of a response received from `url`. */
  store(url: string | URL, setCookies: readonly string[]): void {
    const { hostname } = new URL(url);
    for (const header of setCookies) {
      const [pair = '', ...attributes] = header.split(';');
      const equals = pair.indexOf('=');
      if (equals <= 0) continue;
      const cookie: StoredCookie = {
        name: pair.slice(0, equals).trim(),
        value: pair.slice(equals + 1).trim(),
        host: hostname,
        path: '/',
        expiresAt: undefined,
      };
      for (const attribute of attributes) {
        const [rawKey = '', ...rest] = attribute.split('=');
        const key = rawKey.trim().toLowerCase();
        const value = rest.join('=').trim();
        if (key === 'path' && value.startsWith('/')) cookie.path = value;
        if (key === 'max-age') cookie.expiresAt = Date.now() + Number(value) * 1000;
        if (key === 'expires' && cookie.expiresAt === undefined) cookie.expiresAt = Date.parse(value);
      }
      const id = `${cookie.host}|${cookie.path}|${cookie.name}`;
      if (cookie.expiresAt !== undefined && cookie.expiresAt <= Date.now()) this.#cookies.delete(id);
      else this.#cookies.set(id, cookie);
    }
  }

  /** The `Cookie` header a browser would send to `url`, or undefined when none applies. */
  header(url: string | URL): string | undefined {
    const { hostname, pathname } = new URL(url);
    const now = Date.now();
    const pairs: string[] = [];
    for (const cookie of this.#cookies.values()) {
      if (cookie.host !== hostname || !pathMatches(pathname, cookie.path)) continue;
      if (cookie.expiresAt !== undefined && cookie.expiresAt <= now) continue;
      pairs.push(`${cookie.name}=${cookie.value}`);
    }
    return pairs.length > 0 ? pairs.join('; ') : undefined;
  }
}

// RFC 6265 5.1.4: the cookie path is a prefix of the request path ending at a "/" boundary.
function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath.charAt(cookiePath.length) === '/';
}
