import type { FetchLike } from '@gatehouse/common/testing';

interface StoredCookie {
  readonly value: string;
  readonly path: string;
}

/**
 * A minimal browser for tests: a cookie jar that honours `Path` and deletion (single host), manual
 * redirects, and form posts. Enough to walk oidc-provider's interactions over real HTTP. Requests go out with
 * `send`, the global `fetch` unless given another (`fetchFrom(address)`: a client at its own source address).
 */
export class TestBrowser {
  readonly cookies = new Map<string, StoredCookie>();
  readonly #send: FetchLike;

  constructor(send: FetchLike = fetch) {
    this.#send = send;
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.#request(url, { method: 'GET', headers });
  }

  async post(
    url: string,
    form: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    return this.#request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form).toString(),
    });
  }

  /** Follows redirects (GET) while they stay on `origin`; returns the first response that is not one. */
  async follow(response: Response, origin: string): Promise<{ response: Response; url: string }> {
    let current = response;
    let url = current.url;
    for (let hops = 0; hops < 10; hops++) {
      const location = current.headers.get('location');
      if (current.status < 300 || current.status >= 400 || !location) return { response: current, url };
      url = new URL(location, url).href;
      if (new URL(url).origin !== origin) return { response: current, url };
      current = await this.get(url);
    }
    throw new Error('too many redirects');
  }

  /** The `Cookie` header this browser sends to `url` ('' when none), for requests made without `fetch`. */
  cookieHeader(url: string): string {
    const target = new URL(url);
    return [...this.cookies.entries()]
      .filter(
        ([, stored]) => target.pathname === stored.path || target.pathname.startsWith(withSlash(stored.path)),
      )
      .map(([name, stored]) => `${name}=${stored.value}`)
      .join('; ');
  }

  async #request(url: string, init: { method: string; headers: Record<string, string>; body?: string }) {
    const cookie = this.cookieHeader(url);
    const headers: Record<string, string> = { ...init.headers };
    if (cookie) headers.cookie = cookie;
    const response = await this.#send(url, { ...init, headers, redirect: 'manual' });
    Object.defineProperty(response, 'url', { value: url });
    for (const line of response.headers.getSetCookie()) this.#store(line);
    return response;
  }

  #store(line: string): void {
    const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    let path = '/';
    let expired = value === '';
    for (const attribute of attributes) {
      const [key = '', val = ''] = attribute.split('=');
      if (key.toLowerCase() === 'path') path = val;
      if (key.toLowerCase() === 'expires' && Date.parse(val) < Date.now()) expired = true;
      if (key.toLowerCase() === 'max-age' && Number(val) <= 0) expired = true;
    }
    if (expired) this.cookies.delete(name);
    else this.cookies.set(name, { value, path });
  }
}

function withSlash(path: string): string {
  return path.endsWith('/') ? path : `${path}/`;
}

/** The `action` of the first form on a page, resolved against `base`. */
export function formAction(html: string, base: string): string {
  const match = /<form[^>]*\saction="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no form action on page');
  return new URL(match[1].replace(/&amp;/g, '&'), base).href;
}
