import { requestFrom } from './request-from.js';

/** The part of `fetch` that test clients use. */
export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** Statuses whose answer has no body (a `Response` refuses one). */
const NO_BODY = new Set([101, 204, 205, 304]);

/**
 * A `fetch` whose every request leaves from `localAddress` on a fresh connection (the global `fetch` cannot choose
 * its source address), for test clients that must look like different machines, e.g. behind a proxy that writes
 * the address it saw into X-Forwarded-For. Redirects are never followed (as `redirect: 'manual'`), string and
 * URLSearchParams bodies only; a network error rejects with a TypeError, as fetch does.
 *
 * @example
 * const browser = new TestBrowser(fetchFrom('127.0.0.2'));
 */
export function fetchFrom(localAddress: string): FetchLike {
  return async (input, init = {}) => {
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const body = init.body === undefined || init.body === null ? undefined : String(init.body);
    const answer = await requestFrom(String(input), {
      localAddress,
      method: init.method ?? 'GET',
      headers,
      ...(body === undefined ? {} : { body }),
    });
    if (answer.status === 0) throw new TypeError(`fetch failed: ${answer.error ?? 'no answer'}`);
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
        responseHeaders.append(name, one);
      }
    }
    return new Response(NO_BODY.has(answer.status) ? null : answer.body, {
      status: answer.status,
      headers: responseHeaders,
    });
  };
}
