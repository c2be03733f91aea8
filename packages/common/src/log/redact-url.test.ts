import { describe, expect, it } from 'vitest';
import { redactUrl } from './redact-url.js';

describe('redactUrl', () => {
  it('masks codes, states and tokens but keeps other parameters', () => {
    expect(redactUrl('/api/callback?code=abc&state=def&iss=http%3A%2F%2Fidp')).toBe(
      '/api/callback?code=[redacted]&state=[redacted]&iss=http%3A%2F%2Fidp',
    );
    expect(redactUrl('https://idp/logout?id_token_hint=eyJ&post_logout_redirect_uri=x')).toBe(
      'https://idp/logout?id_token_hint=[redacted]&post_logout_redirect_uri=x',
    );
  });

  it('drops fragments and handles encoded keys', () => {
    expect(redactUrl('/cb#access_token=abc')).toBe('/cb');
    expect(redactUrl('/cb?%63ode=abc')).toBe('/cb?%63ode=[redacted]');
    expect(redactUrl('/cb?%E0%A4%A=1')).toBe('/cb?%E0%A4%A=[redacted]');
  });
});
