import type { SealedBox } from '@gatehouse/common';

const MAX_OPENED_SECRETS = 1000;

/**
 * Seals client secrets bound to their client id, and keeps the opened ones: oidc-provider looks the client up on
 * nearly every request. Shared by both client stores, so the binding and the cache are one piece of code.
 */
export class ClientSecretBox {
  readonly #box: SealedBox;
  // Opened secrets by client id and sealed value: a new secret is a new sealed value (fresh IV), so an entry is
  // never stale, and every process still reads the row itself on each lookup. Keyed by client id too: a sealed
  // value is bound to its client (AAD), and a copy of one client's sealed secret in another client's row must
  // fail to open there, cached or not.
  readonly #opened = new Map<string, string>();

  constructor(box: SealedBox) {
    this.#box = box;
  }

  seal(secret: string, clientId: string): string {
    return this.#box.seal(secret, secretContext(clientId));
  }

  open(sealed: string, clientId: string): string {
    const key = `${clientId}\u0000${sealed}`;
    const cached = this.#opened.get(key);
    if (cached !== undefined) return cached;
    const secret = this.#box.open(sealed, secretContext(clientId));
    if (this.#opened.size >= MAX_OPENED_SECRETS) this.#opened.clear();
    this.#opened.set(key, secret);
    return secret;
  }

  /** Drops a removed client's opened secrets. */
  forget(clientId: string): void {
    for (const key of this.#opened.keys()) if (key.startsWith(`${clientId}\u0000`)) this.#opened.delete(key);
  }
}

function secretContext(clientId: string): string {
  return `client-secret:${clientId}`;
}
