import { redactUrl, type Tracing } from '@gatehouse/common';
import type { ApiMetrics, ProviderEndpoint } from '../metrics/api-metrics.js';
import type { ProviderFetch } from './provider-fetch.js';

/**
 * The provider fetch, observed: each call's duration counted under its endpoint (discovery, jwks, token,
 * userinfo), the one hook every outbound call to the provider goes through. Failed calls are counted too: a slow
 * timeout is what an operator most needs to see. With tracing on, each call is a client span beneath the step
 * that made it, its URL redacted as the logs are (docs/security.md 48) and no header recorded.
 */
export function observedProviderFetch(
  fetch: ProviderFetch,
  metrics: ApiMetrics,
  tracing: Tracing,
  endpointOf: (url: string) => ProviderEndpoint,
): ProviderFetch {
  const measured: ProviderFetch = async (url, init) => {
    const endpoint = endpointOf(url);
    const started = performance.now();
    try {
      return await fetch(url, init);
    } finally {
      metrics.providerRequest(endpoint, (performance.now() - started) / 1000);
    }
  };
  if (!tracing.enabled) return measured;
  return (url, init) => {
    const endpoint = endpointOf(url);
    const method = init?.method ?? 'GET';
    return tracing.span(
      `provider ${endpoint}`,
      {
        'gatehouse.provider.endpoint': endpoint,
        'http.request.method': method,
        'url.full': redactUrl(url),
      },
      async (span) => {
        const response = await measured(url, init);
        span.setAttribute('http.response.status_code', response.status);
        return response;
      },
      'client',
    );
  };
}

/** Which endpoint of the provider `url` is, from its discovery document once known. */
export function providerEndpointOf(
  url: string,
  metadata:
    | {
        jwks_uri?: string | undefined;
        token_endpoint?: string | undefined;
        userinfo_endpoint?: string | undefined;
      }
    | undefined,
): ProviderEndpoint {
  const queryAt = url.indexOf('?');
  const bare = queryAt === -1 ? url : url.slice(0, queryAt);
  if (bare.endsWith('/.well-known/openid-configuration')) return 'discovery';
  if (metadata === undefined) return 'other';
  if (bare === metadata.token_endpoint) return 'token';
  if (bare === metadata.userinfo_endpoint) return 'userinfo';
  if (bare === metadata.jwks_uri) return 'jwks';
  return 'other';
}
