import { createServer, type Server } from 'node:http';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addClient } from '../clients/client-admin.js';
import { formAction, TestBrowser } from '../testing/browser.js';
import { signIn } from '../testing/sign-in.js';
import {
  REDIRECT_URI,
  startTestAuthServer,
  TEST_SECRET,
  type TestAuthServer,
} from '../testing/test-auth-server.js';

const bob = { username: 'bob', password: 'correct horse battery staple' };

// OIDC Back-Channel Logout 1.0: a sign-out at the provider POSTs a logout_token to every client of the session
// that registered a backchannel_logout_uri — the API's is on localhost, which oidc-provider's SSRF guard would
// refuse unless the loopback exception (oidc/outbound-fetch.ts) lets it through.
describe('back-channel logout', () => {
  let auth: TestAuthServer;
  let receiver: Server;
  const received: string[] = [];
  let deliver: () => void;
  const delivered = new Promise<void>((resolve) => {
    deliver = resolve;
  });
  beforeAll(async () => {
    auth = await startTestAuthServer();
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => {
        received.push(body);
        res.statusCode = 200;
        res.end();
        deliver();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const address = receiver.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    await addClient(auth.store, {
      clientId: 'api',
      secret: TEST_SECRET,
      redirectUris: [REDIRECT_URI],
      postLogoutRedirectUris: ['http://127.0.0.1:9/'],
      backchannelLogoutUri: `http://localhost:${port}/api/backchannel-logout`,
      firstParty: true,
    });
  });
  afterAll(async () => {
    await auth.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('delivers a signed logout token to a client on localhost', async () => {
    const config = await oidc.discovery(
      new URL(auth.issuer),
      'api',
      undefined,
      oidc.ClientSecretBasic(TEST_SECRET),
      {
        execute: [oidc.allowInsecureRequests],
      },
    );
    expect(config.serverMetadata().backchannel_logout_supported).toBe(true);
    const verifier = oidc.randomPKCECodeVerifier();
    const browser = new TestBrowser();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const callback = await signIn(browser, url.href, auth.issuer, bob);
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      idTokenExpected: true,
    });
    const sid = tokens.claims()?.sid;
    expect(typeof sid).toBe('string');

    const endSession = oidc.buildEndSessionUrl(config, {
      id_token_hint: String(tokens.id_token),
      post_logout_redirect_uri: 'http://127.0.0.1:9/',
    });
    const page = await browser.get(endSession.href);
    const html = await page.text();
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
    const confirmed = await browser.post(formAction(html, endSession.href), {
      xsrf: String(xsrf),
      logout: 'yes',
    });
    expect(confirmed.status).toBe(303);
    await delivered;

    const logoutToken = new URLSearchParams(received[0]).get('logout_token') ?? '';
    const [header, payload] = logoutToken
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    expect(header).toMatchObject({ typ: 'logout+jwt', alg: 'RS256' });
    expect(payload).toMatchObject({ iss: auth.issuer, aud: 'api', sid, sub: tokens.claims()?.sub });
    expect(payload.events).toHaveProperty(['http://schemas.openid.net/event/backchannel-logout']);
  });
});
