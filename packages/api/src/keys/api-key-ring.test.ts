import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fakeClock } from '../testing/test-api.js';
import { LONGEST_TOKEN_LIFE_MS } from '../tokens/access-token-lifetime.js';
import { mintAccessToken } from '../tokens/mint-access-token.js';
import { RevokedSessions } from '../tokens/revoked-sessions.js';
import { BearerVerifier } from '../tokens/verify-bearer.js';
import { ApiKeyRing } from './api-key-ring.js';
import { rotateApiSigningKey } from './rotate-api-signing-key.js';

const URL_ = 'http://localhost:3001';

describe('ApiKeyRing: retired keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-ring-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('drops a retired key from the JWKS and from verification once its tokens can no longer be valid', async () => {
    const clock = fakeClock(Date.now());
    const ring = await ApiKeyRing.open(dir, clock.now);
    const oldKid = ring.signing.kid;
    // A token of the old key with a lifetime longer than any the API issues: only the key's removal stops it.
    const { token } = await mintAccessToken({
      keys: ring,
      issuer: URL_,
      audience: URL_,
      user: { sub: 'alice' },
      sessionId: 'sid-1',
      ttlSeconds: 24 * 3600,
      now: clock.now(),
    });
    const verifier = new BearerVerifier({
      keys: ring,
      expected: { publicUrl: URL_, apiAudience: URL_ },
      revoked: new RevokedSessions(1_000_000),
      now: clock.now,
    });

    const rotated = await rotateApiSigningKey(dir, clock.now());
    await ring.reload();
    expect(ring.jwks.keys.map((key) => key.kid)).toEqual([oldKid, rotated.kid]);

    // Still published for the longest access-token lifetime plus skew after retirement.
    clock.advance(LONGEST_TOKEN_LIFE_MS - 1);
    expect(ring.jwks.keys.map((key) => key.kid)).toEqual([oldKid, rotated.kid]);
    expect(ring.verificationKey(oldKid)).toBeDefined();

    // Then gone, without another rotation or reload.
    clock.advance(1);
    expect(ring.jwks.keys.map((key) => key.kid)).toEqual([rotated.kid]);
    expect(ring.verificationKey(oldKid)).toBeUndefined();
    await expect(Promise.resolve().then(() => verifier.verify(`Bearer ${token}`))).rejects.toMatchObject({
      code: 'invalid_token',
      message: 'token signed by an unknown key',
    });
    expect(ring.verificationKey(rotated.kid)).toBeDefined();
  });
});
