import { LOGIN_CHALLENGE_HEADER, LOGIN_VERIFIER_HEADER } from '../login-binding-headers.js';

/** One answer, read once: status, headers and the body parsed as JSON (`undefined` when there is none). */
export interface ContractAnswer {
  status: number;
  headers: Headers;
  text: string;
  body: unknown;
}

/** What a request sends beyond method and path. */
export interface ContractRequest {
  /** `Authorization: Bearer <bearer>`. */
  bearer?: string;
  headers?: Record<string, string>;
  /** Send the jar's cookies (default: true). */
  cookies?: boolean;
}

/**
 * One browser talking to the API as the SDK does, over `fetch` (Web APIs only): a cookie jar (name → value),
 * POSTs as same-origin JSON `{}`, and the page's login verifier for the SPA login.
 */
export class ContractClient {
  readonly cookies = new Map<string, string>();
  readonly #url: string;

  constructor(url: string) {
    this.#url = url.replace(/\/$/, '');
  }

  /** The API's origin. */
  get url(): string {
    return this.#url;
  }

  async get(path: string, request: ContractRequest = {}): Promise<ContractAnswer> {
    return this.#send('GET', path, request);
  }

  /** A POST as the SDK sends it: `Origin` and `Sec-Fetch-Site` of the same origin, JSON `{}`. */
  async post(path: string, request: ContractRequest = {}): Promise<ContractAnswer> {
    return this.#send('POST', path, {
      ...request,
      headers: {
        origin: new URL(this.#url).origin,
        'sec-fetch-site': 'same-origin',
        'content-type': 'application/json',
        ...request.headers,
      },
    });
  }

  async #send(method: 'GET' | 'POST', path: string, request: ContractRequest): Promise<ContractAnswer> {
    const headers = new Headers(request.headers);
    headers.set('accept', 'application/json');
    if (request.bearer !== undefined) headers.set('authorization', `Bearer ${request.bearer}`);
    if (request.cookies !== false && this.cookies.size > 0) {
      headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    }
    const response = await fetch(`${this.#url}${path}`, {
      method,
      headers,
      redirect: 'manual',
      ...(method === 'POST' ? { body: '{}' } : {}),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const cleared = attributes.some((attribute) => /^max-age=0$/i.test(attribute)) || value === '';
      if (cleared) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await response.text();
    let body: unknown;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
    }
    return { status: response.status, headers: response.headers, text, body };
  }
}

/** A page's login verifier and the two headers it sends, as the SDK makes them. */
export interface PageLoginVerifier {
  loginHeaders: Record<string, string>;
  callbackHeaders: Record<string, string>;
}

/** A fresh login verifier (32 random bytes) and its SHA-256, both base64url, with Web Crypto. */
export async function pageLoginVerifier(): Promise<PageLoginVerifier> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = base64url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
  );
  return {
    loginHeaders: { [LOGIN_CHALLENGE_HEADER]: challenge },
    callbackHeaders: { [LOGIN_VERIFIER_HEADER]: verifier },
  };
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
