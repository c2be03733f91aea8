import { TestBrowser } from './browser.js';

/** A browser whose POSTs reach the server through the trusted proxy (`AUTH_TRUST_PROXY`) from `address`. */
export class BrowserAt extends TestBrowser {
  readonly #address: string;
  constructor(address: string) {
    super();
    this.#address = address;
  }
  override async post(url: string, form: Record<string, string>, headers: Record<string, string> = {}) {
    return super.post(url, form, { 'x-forwarded-for': this.#address, ...headers });
  }
}
