import {
  allowInsecureRequests,
  type ClientAuth,
  ClientSecretBasic,
  ClientSecretPost,
  Configuration,
  customFetch,
  genericGrantRequest,
  PrivateKeyJwt,
  type ServerMetadata,
} from 'openid-client';
import type { ApiConfig } from '../config/load-api-config.js';
import type { ClientAssertionKey } from '../keys/client-assertion-key.js';
import { describeProviderFailure } from '../oidc/describe-provider-failure.js';
import type { ProviderFetch } from '../oidc/provider-fetch.js';
import type { ProviderMetadata } from './fetch-discovery.js';
import { oauthErrorOfBody } from './provider-text.js';

/** The made-up values the token probe sends, none of which may appear in a finding (docs/security.md 48). */
export interface CredentialsProbeValues {
  readonly code: string;
  readonly codeVerifier: string;
}

/** What the token endpoint's answer to a made-up code says about the client's credentials. */
export type CredentialsVerdict =
  /** `invalid_grant`: the client authenticated, then the code was refused (RFC 6749 5.2 checks the client first). */
  | { readonly kind: 'accepted' }
  /** `invalid_client`: unknown client, wrong secret or key, or another authentication method than registered. */
  | { readonly kind: 'refused' }
  /** `unauthorized_client` or `unsupported_grant_type`: the client may not redeem codes. */
  | { readonly kind: 'grant-not-allowed'; readonly error: string }
  /** Tokens for a code nobody was given: a provider not to trust. */
  | { readonly kind: 'code-accepted' }
  | { readonly kind: 'unclear'; readonly status: number; readonly error: string | undefined }
  | { readonly kind: 'unreachable'; readonly reason: string };

/**
 * Redeems a made-up code at the token endpoint with the client authentication the API uses: the same
 * openid-client methods (`ClientSecretBasic`, `ClientSecretPost`, or `PrivateKeyJwt` signed with the API's key),
 * through the API's bounded fetch. Only the answer's status and OAuth `error` code are read, never its description
 * (which may quote the request) and never a token.
 */
export async function probeClientCredentials(
  fetch: ProviderFetch,
  input: {
    readonly metadata: ProviderMetadata;
    readonly config: ApiConfig;
    readonly clientKey: ClientAssertionKey | undefined;
    readonly redirectUri: string;
    readonly values: CredentialsProbeValues;
  },
): Promise<CredentialsVerdict> {
  const { config } = input;
  const client = new Configuration(
    input.metadata as ServerMetadata,
    config.oidcClientId,
    { id_token_signed_response_alg: config.oidcIdTokenAlg },
    clientAuthentication(config, input.clientKey),
  );
  // The caller probes plain http only on this machine (see isSecureEndpoint); openid-client refuses it otherwise.
  if (new URL(input.metadata.token_endpoint).protocol === 'http:') allowInsecureRequests(client);
  client.timeout = Math.max(1, Math.ceil(config.oidcHttpTimeoutMs / 1000));
  let answer: { status: number; body: string } | undefined;
  client[customFetch] = async (url, options) => {
    const response = await fetch(url, options);
    answer = { status: response.status, body: await response.clone().text() };
    return response;
  };
  try {
    await genericGrantRequest(client, 'authorization_code', {
      code: input.values.code,
      redirect_uri: input.redirectUri,
      code_verifier: input.values.codeVerifier,
    });
  } catch (error) {
    if (answer === undefined) return { kind: 'unreachable', reason: describeProviderFailure(error) };
  }
  if (answer === undefined) return { kind: 'unreachable', reason: 'no answer' };
  if (answer.status >= 200 && answer.status < 300) return { kind: 'code-accepted' };
  const error = oauthErrorOfBody(answer.body);
  if (error === 'invalid_grant') return { kind: 'accepted' };
  if (error === 'invalid_client') return { kind: 'refused' };
  if (error === 'unauthorized_client' || error === 'unsupported_grant_type') {
    return { kind: 'grant-not-allowed', error };
  }
  return { kind: 'unclear', status: answer.status, error };
}

function clientAuthentication(config: ApiConfig, clientKey: ClientAssertionKey | undefined): ClientAuth {
  switch (config.oidcTokenAuthMethod) {
    case 'private_key_jwt':
      if (clientKey === undefined) throw new Error('private_key_jwt needs the API client key');
      return PrivateKeyJwt({ key: clientKey.key, kid: clientKey.kid });
    case 'client_secret_post':
      return ClientSecretPost(config.oidcClientSecret);
    default:
      return ClientSecretBasic(config.oidcClientSecret);
  }
}
