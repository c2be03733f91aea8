import type { JWK } from 'jose';
import { calculatePKCECodeChallenge, randomNonce, randomPKCECodeVerifier, randomState } from 'openid-client';
import type { ApiConfig } from '../config/load-api-config.js';
import {
  type ClientAssertionKey,
  clientAssertionKeyFile,
  clientAssertionKeyFrom,
  readExistingClientAssertionJwk,
} from '../keys/client-assertion-key.js';
import { loginScope } from '../oidc/login-scope.js';
import { createProviderFetch, type ProviderFetch } from '../oidc/provider-fetch.js';
import { redirectUriFor } from '../oidc/start-login.js';
import { type AuthorizationProbe, authorizationFindings } from './authorization-findings.js';
import { checkClock } from './check-clock.js';
import { checkHttps, isSecureEndpoint } from './check-https.js';
import { checkIdTokenAlg } from './check-id-token-alg.js';
import { checkIssuer } from './check-issuer.js';
import { checkJwks } from './check-jwks.js';
import { checkLogoutSupport } from './check-logout-support.js';
import { checkPkce } from './check-pkce.js';
import { checkTokenAuthMethod } from './check-token-auth-method.js';
import { credentialsFinding } from './credentials-finding.js';
import { type DoctorCheck, type DoctorFinding, finding } from './doctor-finding.js';
import { fetchDiscovery, type ProviderMetadata } from './fetch-discovery.js';
import { probeAuthorization } from './probe-authorization.js';
import { probeClientCredentials } from './probe-client-credentials.js';
import { endpointLabel } from './provider-text.js';
import { redactFindings } from './redact-findings.js';

/** Fixes that depend on where the configuration comes from (the CLI says how to start the embedded auth server). */
export interface DoctorHints {
  /** The fix when the provider cannot be reached. */
  readonly unreachable?: string;
  /** The fix when the provider does not know the client. */
  readonly clientId?: string;
  /** The fix when a redirect URI is not registered. */
  readonly redirectUri?: string;
  /** Added to the fix when the client's credentials are refused. */
  readonly credentials?: string;
}

/**
 * Where the API keeps its `private_key_jwt` key, read and never created: `where` names it in a finding. By default
 * the file in `DATA_DIR`; with `DATABASE_URL` the caller passes the database's (the API's key store there).
 */
export interface ClientKeySource {
  readonly where: string;
  read(): Promise<JWK | undefined>;
}

/** What {@link runDoctor} checks, and how. */
export interface RunDoctorOptions {
  /** The API's configuration, as `gatehouse start api` would load it. */
  readonly config: ApiConfig;
  /** How the provider is called; by default the API's own bounded fetch (OIDC_HTTP_TIMEOUT_MS). */
  readonly fetch?: ProviderFetch;
  /** This machine's clock, compared with the provider's; `Date.now` by default. */
  readonly nowMs?: () => number;
  readonly hints?: DoctorHints;
  /** Where the client key is (`private_key_jwt`); the file in `config.dataDir` by default. */
  readonly clientKey?: ClientKeySource;
}

/** The order findings are reported in: the flow's order, then what only logout and time need. */
const ORDER: readonly DoctorCheck[] = [
  'config',
  'discovery',
  'issuer',
  'https',
  'jwks',
  'id-token-alg',
  'token-auth-method',
  'pkce',
  'client-id',
  'client-credentials',
  'authorization-request',
  'redirect-uri-spa',
  'redirect-uri-simple',
  'end-session',
  'backchannel-logout',
  'clock',
];

/**
 * Checks an API configuration against its real provider, the way sign-in will use it, and resolves to one finding
 * per check (`gatehouse doctor` prints them): discovery and its issuer, https, the JWKS and the ID-token algorithm,
 * the token authentication method and PKCE, the client's credentials (a made-up code redeemed with the API's
 * client authentication: `invalid_grant` means they passed), both redirect URIs (the authorization endpoint asked
 * with `prompt=none`, its answer read without following it), logout support, and the provider's clock. A provider
 * that cannot be reached is one finding. Every call is bounded like the API's own; nothing is stored, no person
 * signs in, no code or token is issued, and no finding carries a secret (docs/security.md 48).
 *
 * @example
 * const findings = await runDoctor({ config: loadApiConfig(process.env) });
 * const works = findings.every((each) => each.status !== 'fail');
 */
export async function runDoctor(options: RunDoctorOptions): Promise<DoctorFinding[]> {
  const { config } = options;
  const http =
    options.fetch === undefined
      ? createProviderFetch({ timeoutMs: config.oidcHttpTimeoutMs })
      : { fetch: options.fetch, close: () => undefined };
  // Everything doctor makes up or holds that a finding must never show.
  const secrets: string[] = config.oidcClientSecret === undefined ? [] : [config.oidcClientSecret];
  try {
    const findings = await examine(http.fetch, options, secrets);
    findings.sort((a, b) => ORDER.indexOf(a.check) - ORDER.indexOf(b.check));
    return redactFindings(findings, secrets);
  } finally {
    http.close();
  }
}

async function examine(
  fetch: ProviderFetch,
  options: RunDoctorOptions,
  secrets: string[],
): Promise<DoctorFinding[]> {
  const { config } = options;
  const hints = options.hints ?? {};
  const discovery = await fetchDiscovery(
    fetch,
    config.oidcIssuer,
    options.nowMs ?? Date.now,
    hints.unreachable,
  );
  if (!discovery.ok) return [discovery.finding];
  const metadata = discovery.metadata;
  const issuer = checkIssuer(metadata, config.oidcIssuer);
  const findings: DoctorFinding[] = [
    discovery.finding,
    issuer,
    checkHttps(metadata),
    checkIdTokenAlg(metadata, config),
    checkTokenAuthMethod(metadata, config),
    checkPkce(metadata),
    ...checkLogoutSupport(metadata, config.publicUrl),
    checkClock(discovery.clock),
  ];

  const targets = [
    { check: 'redirect-uri-spa', redirectUri: redirectUriFor(config.publicUrl, 'spa') },
    { check: 'redirect-uri-simple', redirectUri: redirectUriFor(config.publicUrl, 'simple') },
  ] as const;
  // The scope the API's logins ask for at this provider (roles, offline_access with the session check), not
  // OIDC_SCOPES alone: a provider refusing one of them must fail here, not at the first sign-in.
  const scope = loginScope(config, metadata.scopes_supported);
  const [jwks, ...probes] = await Promise.all([
    checkJwks(fetch, metadata, config.oidcIdTokenAlg),
    ...targets.map(async (target): Promise<AuthorizationProbe> => {
      const values = { state: randomState(), nonce: randomNonce(), verifier: randomPKCECodeVerifier() };
      const codeChallenge = await calculatePKCECodeChallenge(values.verifier);
      secrets.push(values.state, values.nonce, values.verifier, codeChallenge);
      const verdict = await probeAuthorization(fetch, {
        authorizationEndpoint: metadata.authorization_endpoint,
        clientId: config.oidcClientId,
        scope,
        redirectUri: target.redirectUri,
        values: { state: values.state, nonce: values.nonce, codeChallenge },
      });
      return { ...target, verdict };
    }),
  ]);
  findings.push(
    jwks,
    ...authorizationFindings(probes, {
      config,
      scope,
      authorizationEndpoint: metadata.authorization_endpoint,
      clientIdFix: hints.clientId,
      redirectUriFix: hints.redirectUri,
    }),
  );
  // Unknown to the provider: the client-id finding says all there is to say about its credentials.
  if (!probes.some((probe) => probe.verdict.kind === 'client-unknown')) {
    findings.push(await checkCredentials(fetch, metadata, options, issuer.status === 'ok', secrets));
  }
  return findings;
}

/**
 * The client-credentials probe, when it is safe to send them: only to the token endpoint of the provider OIDC_ISSUER
 * names (the issuer matched, as the API itself requires before it sends them) and over https off this machine.
 */
async function checkCredentials(
  fetch: ProviderFetch,
  metadata: ProviderMetadata,
  options: RunDoctorOptions,
  issuerMatches: boolean,
  secrets: string[],
): Promise<DoctorFinding> {
  const { config } = options;
  if (!issuerMatches) {
    return finding(
      'client-credentials',
      'warn',
      "not checked: the client's credentials go only to the provider OIDC_ISSUER names, and its issuer differs",
      'fix the issuer first',
    );
  }
  if (!isSecureEndpoint(metadata.token_endpoint)) {
    return finding(
      'client-credentials',
      'warn',
      `not checked: the token endpoint ${endpointLabel(metadata.token_endpoint)} is not https, and the client's credentials would cross the network in clear`,
      'fix https first',
    );
  }
  let clientKey: ClientAssertionKey | undefined;
  if (config.oidcTokenAuthMethod === 'private_key_jwt') {
    const file = clientAssertionKeyFile(config.dataDir);
    const source = options.clientKey ?? { where: file, read: () => readExistingClientAssertionJwk(file) };
    // Read, never created here: a key made now would not be the one registered at the provider.
    const jwk = await source.read();
    if (jwk === undefined) {
      return finding(
        'client-credentials',
        'fail',
        `the API has no client key yet (${source.where}), so the provider cannot know it`,
        `start the API once (it creates the key), then register ${config.publicUrl}/.well-known/client-jwks.json (or the key it serves) at the provider`,
      );
    }
    clientKey = await clientAssertionKeyFrom(jwk);
  }
  const values = { code: randomState(), codeVerifier: randomPKCECodeVerifier() };
  secrets.push(values.code, values.codeVerifier);
  const verdict = await probeClientCredentials(fetch, {
    metadata,
    config,
    clientKey,
    redirectUri: redirectUriFor(config.publicUrl, 'spa'),
    values,
  });
  return credentialsFinding(verdict, {
    config,
    tokenEndpoint: metadata.token_endpoint,
    hint: options.hints?.credentials,
  });
}
