import { createHmac, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, exportSPKI, type JWTPayload, SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../errors/api-error.js';
import { ApiKeyRing } from '../keys/api-key-ring.js';
import { fakeClock } from '../testing/test-api.js';
import { mintAccessToken } from './mint-access-token.js';
import { RevokedSessions } from './revoked-sessions.js';
import { BearerVerifier } from './verify-bearer.js';

const ISSUER = 'http://localhost:3001';
const AUDIENCE = 'http://localhost:3001';

// docs/security.md C (15-19): the API's own bearer tokens.
describe('BearerVerifier', () => {
  let dir: string;
  let keys: ApiKeyRing;
  const clock = fakeClock(1_800_000_000_000);
  let revoked: RevokedSessions;
  let verifier: BearerVerifier;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-bearer-'));
    keys = await ApiKeyRing.open(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => vi.restoreAllMocks());

  function fresh(): BearerVerifier {
    revoked = new RevokedSessions(1_000_000);
    verifier = new BearerVerifier({
      keys,
      expected: { publicUrl: ISSUER, apiAudience: AUDIENCE },
      revoked,
      now: clock.now,
    });
    return verifier;
  }

  async function good(sessionId = 'sid-1'): Promise<string> {
    const { token } = await mintAccessToken({
      keys,
      issuer: ISSUER,
      audience: AUDIENCE,
      user: { sub: 'alice', email: 'alice@example.com' },
      sessionId,
      ttlSeconds: 600,
      now: clock.now(),
    });
    return token;
  }

  /** Signs with the API's real key but lets the test choose header and claims. */
  async function custom(header: Record<string, unknown>, claims: JWTPayload): Promise<string> {
    const iat = Math.floor(clock.now() / 1000);
    return new SignJWT({
      iss: ISSUER,
      aud: AUDIENCE,
      sub: 'alice',
      sid: 'sid-1',
      jti: 'j',
      iat,
      exp: iat + 600,
      ...claims,
    })
      .setProtectedHeader({ alg: 'ES256', kid: keys.signing.kid, typ: 'at+jwt', ...header })
      .sign(keys.signing.key);
  }

  async function refusal(authorization: string | undefined): Promise<ApiError> {
    try {
      await verifier.verify(authorization);
    } catch (error) {
      if (error instanceof ApiError) return error;
      throw error;
    }
    throw new Error(`token was accepted: ${authorization?.slice(0, 40)}`);
  }

  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it('accepts its own token and returns the claims', async () => {
    fresh();
    const claims = await verifier.verify(`Bearer ${await good()}`);
    expect(claims).toMatchObject({
      iss: ISSUER,
      aud: AUDIENCE,
      sub: 'alice',
      sid: 'sid-1',
      email: 'alice@example.com',
    });
  });

  it('15: refuses alg none in any letter case, HS256 keyed with the public key, and other algorithms', async () => {
    fresh();
    const payload = encode({
      iss: ISSUER,
      aud: AUDIENCE,
      sub: 'alice',
      sid: 's',
      jti: 'j',
      iat: 1,
      exp: 9_999_999_999,
    });
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
      const token = `${encode({ alg, typ: 'at+jwt', kid: keys.signing.kid })}.${payload}.`;
      expect((await refusal(`Bearer ${token}`)).code).toBe('invalid_token');
      expect((await refusal(`Bearer ${token}sig`)).code).toBe('invalid_token');
    }
    const publicJwk = keys.jwks.keys[0];
    const spki = await exportSPKI(
      (await import('node:crypto')).createPublicKey({ key: publicJwk as never, format: 'jwk' }),
    );
    for (const secret of [spki, JSON.stringify(publicJwk)]) {
      const input = `${encode({ alg: 'HS256', typ: 'at+jwt', kid: keys.signing.kid })}.${payload}`;
      const token = `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
      expect((await refusal(`Bearer ${token}`)).error_description).toBe('token algorithm not allowed');
    }
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const rs256 = await new SignJWT({ sid: 's' })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: keys.signing.kid })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('alice')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(rsa);
    expect((await refusal(`Bearer ${rs256}`)).error_description).toBe('token algorithm not allowed');
  });

  it('16: ignores jku, x5u, jwk and x5c and never fetches anything; kid is only a map key', async () => {
    fresh();
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const attackerJwk = await exportJWK(publicKey);
    for (const header of [
      { jku: 'http://127.0.0.1:1/jwks.json' },
      { x5u: 'http://127.0.0.1:1/cert.pem' },
      { jwk: attackerJwk },
      { x5c: ['MIIB'] },
    ]) {
      // Signed by the attacker's key, claiming our kid, pointing at the attacker's key material.
      const token = await new SignJWT({ sid: 's', jti: 'j' })
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: keys.signing.kid, ...header })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject('alice')
        .setIssuedAt(Math.floor(clock.now() / 1000))
        .setExpirationTime(Math.floor(clock.now() / 1000) + 600)
        .sign(privateKey);
      expect((await refusal(`Bearer ${token}`)).error_description).toBe('token signature invalid');
    }
    for (const kid of ['../../../etc/passwd', 'http://127.0.0.1:1/key', "x' OR '1'='1"]) {
      const token = await custom({ kid }, {});
      expect((await refusal(`Bearer ${token}`)).error_description).toBe('token signed by an unknown key');
    }
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('17: refuses expired, future nbf/iat, wrong iss or aud, tampered, wrong segment count and garbage', async () => {
    fresh();
    const now = Math.floor(clock.now() / 1000);
    const cases: [string, string][] = [
      ['expired', await custom({}, { iat: now - 700, exp: now - 100 })],
      ['nbf in the future', await custom({}, { nbf: now + 600 })],
      ['iat in the future', await custom({}, { iat: now + 600, exp: now + 1200 })],
      ['wrong iss', await custom({}, { iss: 'http://localhost:4000' })],
      ['wrong aud', await custom({}, { aud: 'gatehouse-api' })],
      ['no sid', await custom({}, { sid: undefined })],
    ];
    const valid = await good();
    const [h, p, s] = valid.split('.');
    const tamperedPayload = encode({
      ...JSON.parse(Buffer.from(p ?? '', 'base64url').toString()),
      sub: 'mallory',
    });
    cases.push(['tampered', `${h}.${tamperedPayload}.${s}`]);
    cases.push(['two segments', `${h}.${p}`]);
    cases.push(['four segments', `${valid}.${s}`]);
    cases.push(['garbage', 'not a token at all']);
    cases.push(['empty', '']);
    cases.push(['bad header json', `${Buffer.from('{"alg":').toString('base64url')}.${p}.${s}`]);
    for (const [name, token] of cases) {
      const error = await refusal(`Bearer ${token}`).catch(
        (failure: Error) => new Error(`${name}: ${failure.message}`),
      );
      expect(error instanceof ApiError ? error.code : error.message, name).toBe('invalid_token');
      expect(error instanceof ApiError ? error.status : 0, name).toBe(401);
    }
    // And once a good token's lifetime has passed, even from the cache.
    expect((await verifier.verify(`Bearer ${valid}`)).sub).toBe('alice');
    clock.advance(610_000);
    try {
      expect((await refusal(`Bearer ${valid}`)).error_description).toBe('token expired');
    } finally {
      clock.advance(-610_000);
    }
  });

  it('18: refuses a token of another kind (typ JWT / an ID token, another key, another audience)', async () => {
    fresh();
    expect((await refusal(`Bearer ${await custom({ typ: 'JWT' }, {})}`)).error_description).toBe(
      'token is not an at+jwt',
    );
    expect((await refusal(`Bearer ${await custom({ typ: undefined }, {})}`)).error_description).toBe(
      'token is not an at+jwt',
    );
    const provider = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const idToken = await new SignJWT({ nonce: 'n' })
      .setProtectedHeader({ alg: 'RS256', kid: 'provider-key' })
      .setIssuer('http://localhost:4000')
      .setAudience('gatehouse-api')
      .setSubject('alice')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(provider);
    expect((await refusal(`Bearer ${idToken}`)).code).toBe('invalid_token');
  });

  it('19: refuses an oversized Authorization header before any crypto, and non-Bearer schemes', async () => {
    fresh();
    // Validly signed by our own key: only the size limit stands between it and acceptance.
    const big = await custom({}, { padding: 'x'.repeat(5000) });
    expect((await refusal(`Bearer ${big}`)).error_description).toBe('Authorization header too large');
    expect((await refusal(`Basic ${Buffer.from('a:b').toString('base64')}`)).code).toBe('invalid_token');
    expect((await refusal(undefined)).code).toBe('invalid_token');
  });

  it('refuses a token of a revoked session at once, even when it is cached', async () => {
    fresh();
    const token = await good('sid-revoked');
    await verifier.verify(`Bearer ${token}`);
    revoked.add('sid-revoked', clock.now());
    expect((await refusal(`Bearer ${token}`)).code).toBe('session_revoked');
  });

  it('keeps accepting tokens of a retired key after rotation until they expire', async () => {
    fresh();
    const before = await good();
    const { rotateApiSigningKey } = await import('../keys/rotate-api-signing-key.js');
    const rotated = await rotateApiSigningKey(dir);
    await keys.reload();
    expect(keys.signing.kid).toBe(rotated.kid);
    expect(keys.jwks.keys).toHaveLength(2);
    expect((await verifier.verify(`Bearer ${before}`)).sub).toBe('alice');
    expect((await verifier.verify(`Bearer ${await good()}`)).sub).toBe('alice');
  });
});
