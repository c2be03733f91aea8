/** A pending login (steps 1–2 → 7), keyed by the hash of its state. */
export interface LoginTransaction {
  stateHash: string;
  /** sha256 of the browser-binding secret held in the transaction cookie. */
  bindingHash: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
  /** Which flow started it: the SPA's XHR flow or the simple server-side flow (different redirect URIs). */
  flow: 'spa' | 'simple';
  /**
   * base64url SHA-256 of the login verifier the SPA keeps in `sessionStorage` (docs/security.md 51); null for the
   * simple flow, which has no page script to keep one.
   */
  loginChallenge: string | null;
  createdAt: number;
  expiresAt: number;
}

/** Result of consuming a login transaction: single use, decided atomically by the store. */
export type ConsumeResult =
  | { status: 'ok'; transaction: LoginTransaction }
  | { status: 'used' | 'not_found' };

/**
 * Login transactions between step 2 and step 7: a login started on one API process finishes on another, so they
 * live in the store, never in memory.
 */
export interface LoginTransactionStore {
  createLoginTransaction(tx: LoginTransaction): Promise<void>;
  /**
   * Marks the transaction used and returns it, atomically across every process sharing the store: of two
   * callbacks with one state, one gets `ok` and the other `used`.
   */
  consumeLoginTransaction(stateHash: string, now: number): Promise<ConsumeResult>;
}
