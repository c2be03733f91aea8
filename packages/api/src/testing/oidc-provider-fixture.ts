import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration } from 'oidc-provider';
import { CookieJar } from './cookie-jar.js';

/** A plain oidc-provider instance on loopback, for the happy paths. */
export interface OidcProviderFixture {
  issuer: string;
  provider: Provider;
  /** Signs `login` in at the provider following `loginUrl`; returns the redirect back to the relying party. */
  signIn(loginUrl: string, login?: string): Promise<URL>;
  /** Like `signIn`, also returning the provider's session cookies (to end that session later). */
  signInSession(loginUrl: string, login?: string): Promise<{ back: URL; jar: CookieJar }>;
  /** Ends the provider session held in `jar` (end_session + confirmation): back-channel logouts are sent. */
  endSession(jar: CookieJar): Promise<void>;
  /** Disables an account at the provider: its refresh grants fail (`invalid_grant`), its userinfo answers 401. */
  disableAccount(login: string): void;
  /** While on, every request to the provider is answered 503 (an outage). */
  setOutage(on: boolean): void;
  /** Requests to the token endpoint that reached the provider (code exchanges and refresh grants). */
  readonly tokenRequests: number;
  /** Every access and refresh token the provider issued (opaque: the value is the id), to look for leaks. */
  readonly issuedTokens: readonly string[];
  close(): Promise<void>;
}

/** The fixture's accounts; only carol has roles (released as the `roles` claim for the `roles` scope). */
const ACCOUNTS: Record<string, { email: string; name: string; roles?: string[] }> = {
  alice: { email: 'alice@example.com', name: 'Alice Example' },
  bob: { email: 'bob@example.com', name: 'Bob Example' },
  carol: { email: 'carol@example.com', name: 'Carol Example', roles: ['admin', 'auditor'] },
};

/**
 * Starts oidc-provider (the certified OpenID Provider) with one confidential client for the API, its
 * development interactions for sign-in over plain HTTP, and first-party consent granted automatically. Like
 * the embedded auth server, it offers a `roles` scope (in `scopes_supported`) and releases the `roles` claim
 * for it, in the ID token and userinfo.
 */
export async function startOidcProvider(client: {
  clientId: string;
  clientSecret: string;
  publicUrl: string;
  /** The client may use refresh tokens, and gets one (rotated at each use) when it asks for `offline_access`. */
  refreshTokens?: boolean;
}): Promise<OidcProviderFixture> {
  const disabled = new Set<string>();
  let outage = false;
  let tokenRequests = 0;
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const configuration: Configuration = {
    clients: [
      {
        client_id: client.clientId,
        client_secret: client.clientSecret,
        redirect_uris: [`${client.publicUrl}/callback`, `${client.publicUrl}/authorization-code/callback`],
        post_logout_redirect_uris: [`${client.publicUrl}/`],
        backchannel_logout_uri: `${client.publicUrl}/api/backchannel-logout`,
        backchannel_logout_session_required: true,
        token_endpoint_auth_method: 'client_secret_basic',
        ...(client.refreshTokens ? { grant_types: ['authorization_code', 'refresh_token'] } : {}),
      },
    ],
    jwks: {
      keys: [
        {
          ...(privateKey.export({ format: 'jwk' }) as Record<string, string>),
          kid: 'fixture-rs256',
          use: 'sig',
          alg: 'RS256',
        },
      ],
    },
    cookies: { keys: ['test-cookie-key-not-secret'] },
    // A refresh token rotated at every use, its reuse ending the grant: the strictest a provider does.
    ...(client.refreshTokens ? { rotateRefreshToken: true } : {}),
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], roles: ['roles'] },
    features: {
      devInteractions: { enabled: true },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: { enabled: true },
    },
    // oidc-provider refuses outbound calls to special-use addresses (SSRF defence); this fixture's relying party
    // is on loopback by design, so back-channel logout calls go out without that dispatcher.
    fetch: (input: string | URL | Request, init?: RequestInit) => {
      const { dispatcher: _dispatcher, ...rest } = (init ?? {}) as RequestInit & { dispatcher?: unknown };
      return globalThis.fetch(input, rest);
    },
    async findAccount(_ctx, sub) {
      if (disabled.has(sub)) return undefined;
      const account = ACCOUNTS[sub];
      return {
        accountId: sub,
        async claims() {
          const claims: Record<string, unknown> = {
            sub,
            email: account?.email,
            email_verified: true,
            name: account?.name,
          };
          if (account?.roles !== undefined) claims.roles = account.roles;
          return claims as { sub: string };
        },
      };
    },
    async loadExistingGrant(ctx) {
      const oidc = ctx.oidc;
      const clientId = oidc.client?.clientId;
      const accountId = oidc.session?.accountId;
      if (clientId === undefined || accountId === undefined) return undefined;
      const existing = oidc.session?.grantIdFor(clientId);
      if (existing !== undefined) return oidc.provider.Grant.find(existing);
      // First-party client: consent is implied.
      const grant = new oidc.provider.Grant({ clientId, accountId });
      grant.addOIDCScope(
        client.refreshTokens ? 'openid profile email roles offline_access' : 'openid profile email roles',
      );
      await grant.save();
      return grant;
    },
  };
  const provider = new Provider(issuer, configuration);
  const issuedTokens: string[] = [];
  provider.on('access_token.saved', (token) => issuedTokens.push(token.jti));
  provider.on('refresh_token.saved', (token) => issuedTokens.push(token.jti));
  const handle = provider.callback();
  server.on('request', (request, response) => {
    if (outage) {
      response.writeHead(503, { 'content-type': 'text/plain' }).end('down for maintenance');
      return;
    }
    if (request.method === 'POST' && request.url === '/token') tokenRequests += 1;
    handle(request, response);
  });

  async function signIn(loginUrl: string, login = 'alice'): Promise<URL> {
    return (await signInSession(loginUrl, login)).back;
  }

  async function endSession(jar: CookieJar): Promise<void> {
    const page = await fetch(`${issuer}/session/end`, { headers: { cookie: jar.header() } });
    jar.store(page);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(await page.text())?.[1];
    if (xsrf === undefined) throw new Error('no logout form at the provider');
    const confirm = await fetch(`${issuer}/session/end/confirm`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf, logout: 'yes' }).toString(),
    });
    if (confirm.status >= 400) throw new Error(`provider logout failed (${confirm.status})`);
  }

  async function signInSession(loginUrl: string, login = 'alice'): Promise<{ back: URL; jar: CookieJar }> {
    const jar = new CookieJar();
    let url = new URL(loginUrl);
    for (let hop = 0; hop < 10; hop++) {
      if (url.origin !== issuer) return { back: url, jar };
      const response = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
      jar.store(response);
      const location = response.headers.get('location');
      if (location !== null) {
        url = new URL(location, url);
        continue;
      }
      const html = await response.text();
      const prompt =
        /name="prompt" value="(\w+)"/.exec(html)?.[1] ??
        (html.includes('name="login"') ? 'login' : 'consent');
      const submit = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ prompt, login, password: 'any' }).toString(),
      });
      jar.store(submit);
      const next = submit.headers.get('location');
      if (next === null) throw new Error(`provider interaction did not redirect (${submit.status})`);
      url = new URL(next, url);
    }
    throw new Error('too many redirects at the provider');
  }

  return {
    issuer,
    provider,
    signIn,
    signInSession,
    endSession,
    disableAccount: (login) => disabled.add(login),
    setOutage: (on) => {
      outage = on;
    },
    get tokenRequests() {
      return tokenRequests;
    },
    issuedTokens,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
