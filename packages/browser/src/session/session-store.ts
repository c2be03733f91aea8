import type { User } from '@gatehouse/contract';
import type { ChangeListener, ChangeReason } from '../gatehouse.js';

/** The session as this tab holds it: in memory only, never in web storage or a script-readable cookie. */
export interface Session {
  accessToken: string;
  /** Epoch ms when the API said the token expires. */
  expiresAt: number;
  /** Epoch ms after which the SDK refreshes before using it. */
  refreshAt: number;
  user: User;
  /** Bumped on every new token, so a waiting refresh can tell that another one already happened. */
  version: number;
}

/** Holds the {@link Session} and tells listeners about changes. */
export class SessionStore {
  #session: Session | null = null;
  #version = 0;
  #epoch = 0;
  readonly #listeners = new Set<ChangeListener>();

  /** The current session, or `null`. */
  get session(): Session | null {
    return this.#session;
  }

  /** Bumped by every sign-out: a refresh started before it must not bring the session back. */
  get epoch(): number {
    return this.#epoch;
  }

  /** Version of the current token (0 before any). */
  get version(): number {
    return this.#version;
  }

  /** Stores a new token and tells listeners. */
  set(accessToken: string, expiresAt: number, refreshAt: number, user: User): Session {
    const reason: ChangeReason = this.#session === null ? 'signed-in' : 'refreshed';
    this.#version += 1;
    const session: Session = { accessToken, expiresAt, refreshAt, user, version: this.#version };
    this.#session = session;
    this.#emit(user, reason);
    return session;
  }

  /** Forgets the token. Listeners hear `signed-out` only when there was a session. */
  clear(): void {
    this.#epoch += 1;
    if (this.#session === null) return;
    this.#session = null;
    this.#version += 1;
    this.#emit(null, 'signed-out');
  }

  /** Subscribes; returns the unsubscribe function. */
  subscribe(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  #emit(user: User | null, reason: ChangeReason): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(user, reason);
      } catch (error) {
        // A failing listener must not stop the others nor break the SDK; surface it asynchronously.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
