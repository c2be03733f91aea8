import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../testing/browser.js';
import { authorizeUrl, pkcePair, signIn } from '../testing/sign-in.js';
import { REDIRECT_URI, startTestAuthServer, type TestAuthServer } from '../testing/test-auth-server.js';
import { codeGrant, tokenRequest } from '../testing/token-request.js';

const bob = { username: 'bob', password: 'correct horse battery staple' };

// docs/security.md 26 (RFC 7636, RFC 9700 2.1.1): PKCE is required of every client, S256 only; the verifier must
// match; a verifier cannot be sent for a code requested without a challenge (downgrade).
describe('PKCE', () => {
  let auth: TestAuthServer;
  beforeAll(async () => {
    auth = await startTestAuthServer();
  });
  afterAll(async () => {
    await auth.close();
  });

  async function authorizeError(extra: Record<string, string | undefined>) {
    const response = await new TestBrowser().get(authorizeUrl(auth.issuer, 'first-party', 'unused', extra));
    expect(response.status).toBe(303);
    const location = new URL(String(response.headers.get('location')));
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get('code')).toBeNull();
    return location.searchParams;
  }

  it('refuses an authorization request without a code_challenge (also what a downgrade needs)', async () => {
    const params = await authorizeError({ code_challenge: undefined, code_challenge_method: undefined });
    expect(params.get('error')).toBe('invalid_request');
    expect(params.get('error_description')).toMatch(/PKCE/);
  });

  it('refuses code_challenge_method=plain', async () => {
    const verifier = 'a'.repeat(43);
    const params = await authorizeError({ code_challenge: verifier, code_challenge_method: 'plain' });
    expect(params.get('error')).toBe('invalid_request');
  });

  it('refuses a code_challenge without its method', async () => {
    const params = await authorizeError({ code_challenge_method: undefined });
    expect(params.get('error')).toBe('invalid_request');
  });

  async function codeFor(challenge: string) {
    const callback = await signIn(
      new TestBrowser(),
      authorizeUrl(auth.issuer, 'first-party', challenge),
      auth.issuer,
      bob,
    );
    return String(callback.searchParams.get('code'));
  }

  it('refuses a wrong verifier', async () => {
    const { challenge } = pkcePair();
    const result = await tokenRequest(auth.issuer, codeGrant(await codeFor(challenge), pkcePair().verifier));
    expect(result.status).toBe(400);
    expect(result.json.error).toBe('invalid_grant');
  });

  it('refuses a missing verifier', async () => {
    const { challenge } = pkcePair();
    const result = await tokenRequest(auth.issuer, codeGrant(await codeFor(challenge), undefined));
    expect(result.status).toBe(400);
    expect(result.json.error).toBe('invalid_grant');
  });

  it('refuses the challenge itself sent as the verifier (plain downgrade at the token endpoint)', async () => {
    const verifier = pkcePair().verifier;
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const result = await tokenRequest(auth.issuer, codeGrant(await codeFor(challenge), challenge));
    expect(result.status).toBe(400);
    expect(result.json.error).toBe('invalid_grant');
  });

  it('accepts the right verifier', async () => {
    const { verifier, challenge } = pkcePair();
    const result = await tokenRequest(auth.issuer, codeGrant(await codeFor(challenge), verifier));
    expect(result.status).toBe(200);
  });
});
