import type { webcrypto } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addClient } from '../clients/client-admin.js';
import { TestBrowser } from '../testing/browser.js';
import { signIn } from '../testing/sign-in.js';
import { REDIRECT_URI, startTestAuthServer, type TestAuthServer } from '../testing/test-auth-server.js';

const bob = { username: 'bob', password: 'correct horse battery staple' };

async function codeFlow(auth: TestAuthServer, config: oidc.Configuration) {
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid email',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  const callback = await signIn(new TestBrowser(), url.href, auth.issuer, bob);
  return oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, idTokenExpected: true });
}

describe('client authentication and ID token algorithms', () => {
  let auth: TestAuthServer;
  let jwksServer: Server;
  let privateKey: webcrypto.CryptoKey;
  beforeAll(async () => {
    // ID tokens in ES256 by configuration (AUTH_ID_TOKEN_ALG).
    auth = await startTestAuthServer({ env: { AUTH_ID_TOKEN_ALG: 'ES256' } });
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ]);
    privateKey = pair.privateKey;
    const jwk = {
      ...(await crypto.subtle.exportKey('jwk', pair.publicKey)),
      kid: 'rp-key-1',
      alg: 'ES256',
      use: 'sig',
    };
    jwksServer = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const address = jwksServer.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    await addClient(auth.store, {
      clientId: 'signed-client',
      secret: null,
      redirectUris: [REDIRECT_URI],
      authMethod: 'private_key_jwt',
      jwksUri: `http://127.0.0.1:${port}/jwks`,
      firstParty: true,
    });
  });
  afterAll(async () => {
    await auth.close();
    await new Promise((resolve) => jwksServer.close(resolve));
  });

  it('authenticates a private_key_jwt client (RFC 7523) and signs its ID token ES256', async () => {
    const config = await oidc.discovery(
      new URL(auth.issuer),
      'signed-client',
      undefined,
      oidc.PrivateKeyJwt({ key: privateKey, kid: 'rp-key-1' }),
      { execute: [oidc.allowInsecureRequests] },
    );
    oidc.enableNonRepudiationChecks(config);
    const tokens = await codeFlow(auth, config);
    const header = JSON.parse(
      Buffer.from(String(tokens.id_token).split('.')[0] ?? '', 'base64url').toString(),
    );
    expect(header.alg).toBe('ES256');
  });

  it('refuses a private_key_jwt client that signs with another key', async () => {
    const other = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ]);
    const config = await oidc.discovery(
      new URL(auth.issuer),
      'signed-client',
      undefined,
      oidc.PrivateKeyJwt({ key: other.privateKey, kid: 'rp-key-1' }),
      { execute: [oidc.allowInsecureRequests] },
    );
    await expect(codeFlow(auth, config)).rejects.toMatchObject({ error: 'invalid_client' });
  });
});
