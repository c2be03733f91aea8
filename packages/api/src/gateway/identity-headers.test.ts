import { describe, expect, it } from 'vitest';
import { identityOf } from '../guards/gatehouse-identity.js';
import type { AccessTokenClaims } from '../tokens/access-token-claims.js';
import { headerValue, identityHeaders } from './identity-headers.js';

const claims = (extra: Partial<AccessTokenClaims>) =>
  ({
    sub: 'auth0|42',
    sid: 's',
    iss: 'i',
    aud: 'a',
    exp: 1,
    iat: 0,
    jti: 'j',
    ...extra,
  }) satisfies AccessTokenClaims;

describe('identityHeaders', () => {
  it('sets sub, email, name and roles; a role with a comma stays one role', () => {
    const headers = identityHeaders(
      identityOf(
        claims({ email: 'ada@example.test', name: 'Ada Lovelace', roles: ['admin', 'ops, eu', '50%'] }),
      ),
    );
    expect(headers).toEqual({
      'x-gatehouse-sub': 'auth0|42',
      'x-gatehouse-email': 'ada@example.test',
      'x-gatehouse-name': 'Ada%20Lovelace',
      'x-gatehouse-roles': 'admin,ops%2C%20eu,50%25',
    });
    // What an upstream does: split on commas, decode each.
    expect(headers['x-gatehouse-roles']?.split(',').map(decodeURIComponent)).toEqual([
      'admin',
      'ops, eu',
      '50%',
    ]);
  });

  it('leaves out what the token does not carry', () => {
    expect(identityHeaders(identityOf(claims({})))).toEqual({ 'x-gatehouse-sub': 'auth0|42' });
  });

  it('keeps every value a valid header: non-ASCII and control characters percent-encoded UTF-8', () => {
    expect(headerValue('José\r\nX-Evil: 1')).toBe('Jos%C3%A9%0D%0AX-Evil:%201');
    expect(decodeURIComponent(headerValue('名前 😀'))).toBe('名前 😀');
  });
});
