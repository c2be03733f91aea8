import { describe, expect, it } from 'vitest';
import { bearerChallenge } from './www-authenticate.js';

describe('bearerChallenge', () => {
  it('escapes quoted-string values (RFC 6750 3, RFC 9110 5.6.4)', () => {
    expect(bearerChallenge('invalid_token', 'a "quoted" \\ value\r\nX-Injected: 1')).toBe(
      'Bearer error="invalid_token", error_description="a \\"quoted\\" \\\\ value  X-Injected: 1"',
    );
  });
});
