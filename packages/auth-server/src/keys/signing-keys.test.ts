import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../testing/browser.js';
import { signIn } from '../testing/sign-in.js';
import {
  REDIRECT_URI,
  startTestAuthServer,
  TEST_SECRET,
  type TestAuthServer,
} from '../testing/test-auth-server.js';
import { loadSigningKeys, rotateSigningKeys } from './signing-keys.js';

interface Jwk {
  kid: string;
  alg: string;
  d?: string;
}

async function jwks(issuer: string): Promise<Jwk[]> {
  return ((await (await fetch(`${issuer}/jwks`)).json()) as { keys: Jwk[] }).keys;
}

async function idTokenKid(auth: TestAuthServer): Promise<string> {
  const config = await oidc.discovery(
    new URL(auth.issuer),
    'first-party',
    undefined,
    oidc.ClientSecretBasic(TEST_SECRET),
    {
      execute: [oidc.allowInsecureRequests],
    },
  );
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  const callback = await signIn(new TestBrowser(), url.href, auth.issuer, {
    username: 'bob',
    password: 'correct horse battery staple',
  });
  const tokens = await oidc.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: verifier,
    idTokenExpected: true,
  });
  const header = JSON.parse(
    Buffer.from(String(tokens.id_token).split('.')[0] ?? '', 'base64url').toString(),
  ) as {
    kid: string;
    alg: string;
  };
  expect(header.alg).toBe('RS256');
  return header.kid;
}

describe('signing keys', () => {
  let auth: TestAuthServer;
  beforeAll(async () => {
    auth = await startTestAuthServer();
  });
  afterAll(async () => {
    await auth.close();
  });

  it('publishes one key per algorithm, public parts only, and signs ID tokens RS256 with the active key', async () => {
    const keys = await jwks(auth.issuer);
    expect(keys.map((key) => key.alg).sort()).toEqual(['ES256', 'PS256', 'RS256']);
    expect(keys.some((key) => 'd' in key)).toBe(false);
    const active = (await auth.store.keys.list()).find(
      (key) => key.alg === 'RS256' && key.retiredAt === null,
    );
    expect(await idTokenKid(auth)).toBe(active?.kid);
  });

  it('rotates while running: the new key signs, the old one stays published', async () => {
    const before = await idTokenKid(auth);
    const [newKid] = await rotateSigningKeys(auth.store, Math.floor(Date.now() / 1000), 'RS256');
    // The server checks the key set every few seconds; wait for the new key to show up in JWKS.
    for (let i = 0; i < 100 && !(await jwks(auth.issuer)).some((key) => key.kid === newKid); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const kids = (await jwks(auth.issuer)).map((key) => key.kid);
    expect(kids).toContain(newKid);
    expect(kids).toContain(before);
    expect(await idTokenKid(auth)).toBe(newKid);
  });

  it('drops a retired key once every token it signed has expired', async () => {
    const now = Math.floor(Date.now() / 1000);
    const retired = (await auth.store.keys.list())
      .filter((key) => key.retiredAt !== null)
      .map((key) => key.kid);
    expect(retired.length).toBeGreaterThan(0);
    const kept = await loadSigningKeys(auth.store, now, 600);
    expect(kept.keys.map((key) => key.kid)).toEqual(expect.arrayContaining(retired));
    const later = await loadSigningKeys(auth.store, now + 601, 600);
    for (const kid of retired) expect(later.keys.map((key) => key.kid)).not.toContain(kid);
    // Active keys come first: oidc-provider signs with the first key of an algorithm.
    const firstRs = later.keys.find((key) => key.alg === 'RS256');
    const active = (await auth.store.keys.list()).find(
      (key) => key.alg === 'RS256' && key.retiredAt === null,
    );
    expect(firstRs?.kid).toBe(active?.kid);
  });
});
