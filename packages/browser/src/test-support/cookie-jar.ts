/**
 * A browser's cookie store for Node's `fetch`, shared by the "tabs" of a test the way a real browser shares
 * cookies between tabs of one origin. Name=value only; `Max-Age=0` deletes.
 */
export class CookieJar {
  readonly cookies = new Map<string, string>();

  /** `fetch` that sends and stores this jar's cookies. */
  readonly fetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    if (this.cookies.size > 0) {
      request.headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    }
    const response = await fetch(request);
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      if (attributes.some((attribute) => attribute.toLowerCase() === 'max-age=0')) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(eq + 1));
    }
    return response;
  };
}
