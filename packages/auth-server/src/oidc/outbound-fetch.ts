const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * oidc-provider's outbound `fetch` (client `jwks_uri`, back-channel logout deliveries). oidc-provider passes a
 * dispatcher that refuses private and loopback addresses (SSRF protection); we keep it for every URL except
 * those naming a loopback host literally (`localhost`, `127.0.0.1`, `[::1]`). Such URLs can only come from the
 * operator (there is no dynamic client registration) and the default setup needs them: the API's back-channel
 * logout endpoint is `http://localhost:3001/api/backchannel-logout`. A public hostname that resolves to a
 * private address is still refused.
 */
export function outboundFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const url = new URL(input instanceof Request ? input.url : input);
  if (init && LOOPBACK_HOSTS.has(url.hostname)) {
    const { dispatcher: _ssrfGuard, ...rest } = init as RequestInit & { dispatcher?: unknown };
    return globalThis.fetch(input, rest);
  }
  return globalThis.fetch(input, init);
}
