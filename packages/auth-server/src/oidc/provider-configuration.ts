import type { Logger } from '@gatehouse/common';
import type { Configuration, errors, interactionPolicy, KoaContextWithOIDC } from 'oidc-provider';
import { backLinkTo, clientDisplayName } from '../clients/client-display.js';
import { providerClientDisplay } from '../clients/provider-client-display.js';
import type { AuthServerConfig } from '../config/load-auth-server-config.js';
import { PHISHING_RESISTANT_ACR } from '../interactions/interaction-state.js';
import { SIGNING_ALGORITHMS } from '../keys/signing-algorithms.js';
import { errorPage } from '../pages/error-page.js';
import { loggedOutPage, logoutPage } from '../pages/logout-pages.js';
import type { AuthStore } from '../store/auth-store.js';
import { createAdapter } from './create-adapter.js';
import { createFindAccount } from './find-account.js';
import { interactionPolicyFor } from './interaction-policy.js';
import { createLoadExistingGrant } from './load-existing-grant.js';
import { outboundFetch } from './outbound-fetch.js';

/** Path prefix of our interaction pages; oidc-provider sends the browser to `/interaction/<uid>`. */
export const INTERACTION_PATH = '/interaction';

/**
 * The oidc-provider configuration: Gatehouse's policy in one place. Authorization code flow only, PKCE S256
 * required for every client (RFC 9700 2.1.1), the `iss` authorization response parameter (RFC 9207, always
 * on in oidc-provider 9), refresh tokens rotated on every use (RFC 9700 4.14.2), exact redirect_uri matching
 * (oidc-provider compares registered strings exactly), our own pages for everything a person sees.
 */
export function providerConfiguration(input: {
  issuer: string;
  policyModule: typeof interactionPolicy;
  /** oidc-provider's errors (loaded with it): a replayed code or refresh token is its `InvalidGrant`. */
  errors: typeof errors;
  config: AuthServerConfig;
  store: AuthStore;
  jwks: { keys: Record<string, unknown>[] };
  cookieKeys: string[];
  now: () => number;
  logger: Logger;
}): Configuration {
  const { config, store } = input;
  return {
    adapter: createAdapter(store, input.now, input.issuer, input.errors.InvalidGrant),
    jwks: input.jwks as Configuration['jwks'],
    cookies: { keys: input.cookieKeys },
    findAccount: createFindAccount(store.users),
    loadExistingGrant: createLoadExistingGrant(store.clients),
    // OIDC Core 2: `amr` (RFC 8176: "pwd", "otp", "hwk"/"swk", "mfa") and `acr` ("phr" after a passkey) go in
    // every ID token with the openid scope; oidc-provider adds them only for claims listed under a granted scope.
    // auth_time/sid/iss as oidc-provider's defaults.
    // OpenID EAP ACR Values: `phr` (phishing-resistant: a passkey was used), set at sign-in
    // (interactions/complete-sign-in.ts) and asked for with acr_values (docs/security.md 46).
    acrValues: [PHISHING_RESISTANT_ACR],
    claims: {
      acr: null,
      auth_time: null,
      sid: null,
      iss: null,
      openid: ['sub', 'amr', 'acr'],
      profile: ['name', 'preferred_username'],
      email: ['email', 'email_verified'],
      // Issue 12: what the account may do, a JSON array of strings, only to clients granted the `roles` scope.
      roles: ['roles'],
    },
    scopes: ['openid', 'offline_access', 'profile', 'email', 'roles'],
    // The claims of every granted scope go in the ID token as well as userinfo (oidc-provider's default keeps
    // them to userinfo in the code flow): a relying party gets `roles` from the token it already validates.
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    pkce: { required: () => true },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    enabledJWA: {
      idTokenSigningAlgValues: [...SIGNING_ALGORITHMS],
      userinfoSigningAlgValues: [...SIGNING_ALGORITHMS],
      introspectionSigningAlgValues: [...SIGNING_ALGORITHMS],
      clientAuthSigningAlgValues: [...SIGNING_ALGORITHMS],
    },
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: config.idTokenSigningAlg,
    },
    // The request must name its redirect_uri even when the client registered one (OAuth 2.1 4.1.1).
    allowOmittingSingleRegisteredRedirectUri: false,
    // Our clients are servers; no browser needs CORS on the token endpoint.
    clientBasedCORS: () => false,
    fetch: outboundFetch,
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    ttl: {
      AccessToken: config.ttl.accessToken,
      AuthorizationCode: config.ttl.authorizationCode,
      IdToken: config.ttl.idToken,
      RefreshToken: config.ttl.refreshToken,
      Interaction: config.ttl.interaction,
      Session: config.ttl.session,
      Grant: Math.max(config.ttl.session, config.ttl.refreshToken),
    },
    interactions: {
      url: (_ctx, interaction) => `${INTERACTION_PATH}/${interaction.uid}`,
      policy: interactionPolicyFor(
        input.policyModule,
        async (clientId) => (await store.clients.find(clientId))?.firstParty === true,
      ),
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      introspection: { enabled: true },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx: KoaContextWithOIDC, form: string) => {
          const client = providerClientDisplay(ctx.oidc.client);
          ctx.type = 'html';
          ctx.body = logoutPage({
            form,
            clientName: client && clientDisplayName(client),
            // Checked against the client's registered URIs by oidc-provider before this page is shown.
            returns: typeof ctx.oidc.params?.post_logout_redirect_uri === 'string',
          });
        },
        postLogoutSuccessSource: async (ctx: KoaContextWithOIDC) => {
          const client = providerClientDisplay(ctx.oidc.client);
          ctx.type = 'html';
          ctx.body = loggedOutPage({
            clientName: client && clientDisplayName(client),
            back: client && backLinkTo(client),
          });
        },
      },
    },
    // Our page, in words for people: oidc-provider's error_description is for developers (and may quote the
    // request), so it goes to the operator's log line, shortened, and never to the page.
    renderError: async (ctx, out) => {
      input.logger.info(
        { event: 'authorization_error', error: out.error, detail: out.error_description?.slice(0, 200) },
        'request refused with an error page',
      );
      const client = providerClientDisplay(ctx.oidc?.client);
      ctx.type = 'html';
      ctx.body = errorPage({ error: out.error, back: client && backLinkTo(client) });
    },
  };
}
