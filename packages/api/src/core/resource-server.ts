import type { ApiContext } from '../server/api-context.js';

/**
 * The resource server's core, assembled once by `createResourceServer`: the seed's ten steps, the API's
 * tokens and keys, refresh sessions, revocation, the provider client and the store. The Fastify plugin, the
 * Express adapter, `startApi` and a gateway all run on one of these.
 */
export interface ResourceServer extends ApiContext {
  /** True once the provider has been discovered, while it is not known to be down (what `/readyz` says). */
  readonly ready: boolean;
  /** Resolves when the provider is first discovered (at once if it already was; never, if it never is). */
  whenDiscovered(): Promise<void>;
  /**
   * Discovers the provider (after `providerReady`, when given) and starts the background work: the poll of
   * revocations made by other processes and of rotated keys, and the sweep of expired rows. Rejects with a
   * `ConfigError` when the provider's discovery document names another issuer (docs/security.md 7), or with
   * `providerReady`'s reason; an unreachable provider is retried in the background instead. Once only.
   */
  start(options?: { providerReady?: Promise<unknown> }): Promise<void>;
  /** Stops the background work and closes the store it opened (a store passed in is the caller's to close). */
  close(): Promise<void>;
}
