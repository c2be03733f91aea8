import { describe, expect, it } from 'vitest';
import { MAX_EMAIL_LENGTH, MAX_NAME_LENGTH, profileFromClaims } from './profile-from-claims.js';

describe('profileFromClaims', () => {
  it('prefers userinfo, falls back to the ID token, and keeps ordinary claims as they are', () => {
    expect(
      profileFromClaims(
        'u1',
        { name: 'Ada' },
        { name: 'ignored', email: 'ada@example.com', email_verified: true },
      ),
    ).toEqual({ sub: 'u1', name: 'Ada', email: 'ada@example.com', email_verified: true });
  });

  it('cuts a long name at a code point, never inside a surrogate pair', () => {
    const user = profileFromClaims('u1', { name: `x${'😀'.repeat(MAX_NAME_LENGTH)}` }, {});
    expect(Array.from(user.name ?? '')).toHaveLength(MAX_NAME_LENGTH);
    expect(user.name?.endsWith('😀')).toBe(true);
  });

  it('drops an email longer than an address can be, and its email_verified', () => {
    const email = `${'a'.repeat(MAX_EMAIL_LENGTH - '@example.com'.length + 1)}@example.com`;
    expect(profileFromClaims('u1', { email, email_verified: true }, {})).toEqual({ sub: 'u1' });
    expect(profileFromClaims('u1', { email: email.slice(1) }, {})).toEqual({
      sub: 'u1',
      email: email.slice(1),
    });
  });
});
