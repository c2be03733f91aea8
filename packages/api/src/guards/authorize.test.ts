import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../errors/api-error.js';
import { ApiKeyRing } from '../keys/api-key-ring.js';
import { fakeClock } from '../testing/test-api.js';
import { mintAccessToken } from '../tokens/mint-access-token.js';
import { RevokedSessions } from '../tokens/revoked-sessions.js';
import { BearerVerifier } from '../tokens/verify-bearer.js';
import { authorize } from './authorize.js';
import { policyOf, SIGNED_IN } from './route-policy.js';

const ISSUER = 'http://localhost:3001';

describe('authorize (what every route guard decides)', () => {
  let dir: string;
  let keys: ApiKeyRing;
  const clock = fakeClock(1_800_000_000_000);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-authorize-'));
    keys = await ApiKeyRing.open(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function token(roles?: string[], scope?: string): Promise<string> {
    const user = roles === undefined ? { sub: 'ada' } : { sub: 'ada', roles };
    const minted = await mintAccessToken({
      keys,
      issuer: ISSUER,
      audience: ISSUER,
      user,
      sessionId: 'sid-1',
      scope: scope ?? null,
      ttlSeconds: 600,
      now: clock.now(),
    });
    return `Bearer ${minted.token}`;
  }

  function refusal(run: () => unknown): ApiError {
    try {
      run();
    } catch (error) {
      if (error instanceof ApiError) return error;
      throw error;
    }
    throw new Error('not refused');
  }

  it('answers a token seen before synchronously, from the cache, and refuses it the moment its session is revoked', async () => {
    const revoked = new RevokedSessions(1_000_000);
    const bearer = new BearerVerifier({
      keys,
      expected: { publicUrl: ISSUER, apiAudience: ISSUER },
      revoked,
      now: clock.now,
    });
    const header = await token(['admin']);
    const first = authorize(bearer, header, SIGNED_IN);
    expect(first).toBeInstanceOf(Promise);
    const identity = await first;
    const again = authorize(bearer, header, SIGNED_IN);
    expect(again).not.toBeInstanceOf(Promise);
    // One identity per token: nothing is built again on the hot path.
    expect(again).toBe(identity);
    expect(identity.user).toEqual({ sub: 'ada', roles: ['admin'] });

    revoked.add('sid-1', clock.now());
    expect(refusal(() => authorize(bearer, header, SIGNED_IN)).code).toBe('session_revoked');
  });

  it('requires every role and every scope a guard names', async () => {
    const bearer = new BearerVerifier({
      keys,
      expected: { publicUrl: ISSUER, apiAudience: ISSUER },
      revoked: new RevokedSessions(1_000_000),
      now: clock.now,
    });
    const header = await token(['admin', 'auditor'], 'openid reports:read');
    await authorize(bearer, header, SIGNED_IN);
    expect(authorize(bearer, header, policyOf('roles', ['admin', 'auditor']))).toMatchObject({
      roles: ['admin', 'auditor'],
    });
    const role = refusal(() => authorize(bearer, header, policyOf('roles', ['admin', 'root'])));
    expect([role.code, role.status]).toEqual(['insufficient_role', 403]);
    expect(authorize(bearer, header, policyOf('scopes', ['reports:read']))).toMatchObject({
      scopes: ['openid', 'reports:read'],
    });
    const scope = refusal(() =>
      authorize(bearer, header, policyOf('scopes', ['reports:read', 'reports:write'])),
    );
    expect([scope.code, scope.status, scope.requirement]).toEqual([
      'insufficient_scope',
      403,
      'reports:read reports:write',
    ]);
    // A role that differs only in case or space is another role.
    expect(refusal(() => authorize(bearer, header, policyOf('roles', ['Admin']))).code).toBe(
      'insufficient_role',
    );
  });

  it('refuses a guard without names at start, not at the first request', () => {
    expect(() => policyOf('roles', [])).toThrow(TypeError);
    expect(() => policyOf('roles', [''])).toThrow(TypeError);
    expect(() => policyOf('scopes', ['a b'])).toThrow(TypeError);
  });
});
