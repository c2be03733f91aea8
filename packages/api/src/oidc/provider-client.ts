import { ConfigError, type Logger, type Tracing } from '@gatehouse/common';
import {
  allowInsecureRequests,
  ClientSecretBasic,
  ClientSecretPost,
  type Configuration,
  customFetch,
  discovery,
  PrivateKeyJwt,
} from 'openid-client';
import { isLoopback } from '../config/is-loopback.js';
import type { ApiConfig } from '../config/load-api-config.js';
import { ApiError } from '../errors/api-error.js';
import type { ClientAssertionKey } from '../keys/client-assertion-key.js';
import type { ApiMetrics } from '../metrics/api-metrics.js';
import { describeProviderFailure } from './describe-provider-failure.js';
import { observedProviderFetch, providerEndpointOf } from './observed-provider-fetch.js';
import { createProviderFetch, type ProviderFetch, type ProviderHttp } from './provider-fetch.js';
import { ProviderJwks } from './provider-jwks.js';

/** The discovered provider: openid-client's configuration plus our own JWKS cache. */
export interface DiscoveredProvider {
  config: Configuration;
  jwks: ProviderJwks;
  issuer: string;
}

/**
 * Discovers the OpenID Provider (OIDC Discovery 1.0) and keeps the result. A discovery document whose `issuer`
 * differs from OIDC_ISSUER is a configuration error (docs/security.md 7): `start()` rejects with a {@link ConfigError}.
 * An unreachable provider is not: discovery retries in the background with backoff, and until then the login
 * routes answer 503 `provider_unavailable` and `/readyz` 503. The same holds whenever `available()` says the
 * provider is down (the embedded auth server between a crash and its restart), so no login URL points at a
 * dead port and a load balancer stops sending traffic here.
 */
export class ProviderClient {
  readonly #config: ApiConfig;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #clientKey: ClientAssertionKey | undefined;
  readonly #available: () => boolean;
  #provider: DiscoveredProvider | undefined;
  #discovered: () => void = () => undefined;
  readonly #whenDiscovered = new Promise<void>((resolve) => {
    this.#discovered = resolve;
  });
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #http: ProviderHttp;
  /** The provider fetch every call goes through, observed (metrics, traces). */
  readonly #fetch: ProviderFetch;
  /** The endpoints of the discovery document, once fetched: how a call's endpoint is named. */
  #endpoints: { jwks_uri?: string; token_endpoint?: string; userinfo_endpoint?: string } | undefined;

  constructor(options: {
    config: ApiConfig;
    logger: Logger;
    now: () => number;
    clientKey?: ClientAssertionKey;
    /** Whether the provider is serving, as its supervisor knows it; always, when not given. */
    available?: () => boolean;
    metrics: ApiMetrics;
    tracing: Tracing;
  }) {
    this.#available = options.available ?? (() => true);
    this.#config = options.config;
    this.#logger = options.logger;
    this.#now = options.now;
    this.#clientKey = options.clientKey;
    this.#http = createProviderFetch({ timeoutMs: options.config.oidcHttpTimeoutMs });
    this.#fetch = observedProviderFetch(this.#http.fetch, options.metrics, options.tracing, (url) =>
      providerEndpointOf(url, this.#endpoints),
    );
  }

  /** First discovery attempt; rejects only on an issuer mismatch. */
  async start(): Promise<void> {
    await this.#attempt(0);
  }

  /** The provider, or 503 `provider_unavailable` while discovery has not succeeded or it is down. */
  get provider(): DiscoveredProvider {
    if (this.#provider === undefined || !this.#available()) throw new ApiError('provider_unavailable');
    return this.#provider;
  }

  /** Discovered, and not known to be down. */
  get ready(): boolean {
    return this.#provider !== undefined && this.#available();
  }

  /** Resolves once discovery has first succeeded (never, if it never does). */
  whenDiscovered(): Promise<void> {
    return this.#whenDiscovered;
  }

  close(): void {
    this.#closed = true;
    this.#http.close();
    if (this.#timer !== undefined) clearTimeout(this.#timer);
  }

  async #attempt(attempt: number): Promise<void> {
    try {
      this.#provider = await this.#discover();
      this.#discovered();
      this.#logger.info({ issuer: this.#config.oidcIssuer }, 'OpenID Provider discovered');
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      if (isIssuerMismatch(error)) {
        throw new ConfigError(
          'OIDC_ISSUER',
          `Invalid OIDC_ISSUER: the provider's discovery document names a different issuer than ${this.#config.oidcIssuer} (check for a missing path or trailing slash)`,
        );
      }
      if (this.#closed) return;
      const delay = Math.min(30_000, 500 * 2 ** attempt);
      this.#logger.warn(
        {
          issuer: this.#config.oidcIssuer,
          retryInMs: delay,
          reason: describeProviderFailure(error),
        },
        'OpenID Provider discovery failed; retrying',
      );
      this.#timer = setTimeout(() => {
        this.#attempt(attempt + 1).catch((failure: unknown) => {
          this.#logger.fatal({ err: failure }, 'OpenID Provider discovery refused');
        });
      }, delay);
      this.#timer.unref();
    }
  }

  async #discover(): Promise<DiscoveredProvider> {
    const c = this.#config;
    const issuerUrl = new URL(c.oidcIssuer);
    const auth =
      c.oidcTokenAuthMethod === 'private_key_jwt'
        ? PrivateKeyJwt(requireKey(this.#clientKey))
        : c.oidcTokenAuthMethod === 'client_secret_post'
          ? ClientSecretPost(c.oidcClientSecret)
          : ClientSecretBasic(c.oidcClientSecret);
    const providerFetch = this.#fetch;
    const config = await discovery(
      issuerUrl,
      c.oidcClientId,
      { id_token_signed_response_alg: c.oidcIdTokenAlg },
      auth,
      {
        timeout: Math.ceil(c.oidcHttpTimeoutMs / 1000),
        [customFetch]: providerFetch,
        // Plain http only for a provider on this machine (the embedded one, tests); TLS everywhere else.
        execute: isLoopback(issuerUrl) && issuerUrl.protocol === 'http:' ? [allowInsecureRequests] : [],
      },
    );
    // openid-client counts timeouts in whole seconds; keep every outbound call bounded (docs/security.md 13).
    config.timeout = Math.max(1, Math.ceil(c.oidcHttpTimeoutMs / 1000));
    config[customFetch] = providerFetch;
    const metadata = config.serverMetadata();
    this.#endpoints = metadata;
    if (metadata.jwks_uri === undefined) throw new Error('the provider publishes no jwks_uri');
    // We fetch the JWKS ourselves (not through openid-client, which would refuse plain http): keys that verify
    // ID and logout tokens must come over TLS (RFC 8414 2, jwks_uri; RFC 8725 3.3), plain http only on loopback.
    const jwksUrl = new URL(metadata.jwks_uri);
    if (jwksUrl.protocol !== 'https:' && !(jwksUrl.protocol === 'http:' && isLoopback(jwksUrl))) {
      throw new ConfigError(
        'OIDC_ISSUER',
        `Invalid OIDC_ISSUER: the provider's jwks_uri ${jwksUrl.origin} is not https; its signing keys would travel unprotected`,
      );
    }
    return {
      config,
      issuer: metadata.issuer,
      jwks: new ProviderJwks({
        uri: metadata.jwks_uri,
        fetch: providerFetch,
        now: this.#now,
        logger: this.#logger,
      }),
    };
  }
}

function requireKey(key: ClientAssertionKey | undefined): { key: ClientAssertionKey['key']; kid: string } {
  if (key === undefined) throw new Error('private_key_jwt needs the API client key');
  return { key: key.key, kid: key.kid };
}

function isIssuerMismatch(error: unknown): boolean {
  return (
    (error as { code?: unknown } | undefined)?.code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED' &&
    /issuer/i.test(error instanceof Error ? error.message : '')
  );
}
