import { describe, expect, it } from 'vitest';
import { CookieJar } from './cookie-jar.js';

describe('CookieJar', () => {
  it('scopes cookies by host, not port, as browsers do (RFC 6265 8.5)', () => {
    const jar = new CookieJar();
    jar.store('http://localhost:4000/interaction/abc', ['_interaction=xyz; Path=/; HttpOnly; SameSite=Lax']);
    expect(jar.header('http://localhost:3001/')).toBe('_interaction=xyz');
    expect(jar.header('http://127.0.0.1:4000/')).toBeUndefined();
  });

  it('sends a Path=/api cookie to /api/refresh but not to /apix or /', () => {
    const jar = new CookieJar();
    jar.store('http://localhost:3001/api/callback', ['rt=1; Path=/api; Secure; HttpOnly; SameSite=Strict']);
    expect(jar.header('http://localhost:3001/api/refresh')).toBe('rt=1');
    expect(jar.header('http://localhost:3001/api')).toBe('rt=1');
    expect(jar.header('http://localhost:3001/apix')).toBeUndefined();
    expect(jar.header('http://localhost:3001/')).toBeUndefined();
  });

  it('replaces a rotated cookie and forgets an expired one', () => {
    const jar = new CookieJar();
    jar.store('http://localhost:3001/api/callback', ['rt=1; Path=/api', 'tx=a; Path=/api']);
    jar.store('http://localhost:3001/api/refresh', ['rt=2; Path=/api', 'tx=; Path=/api; Max-Age=0']);
    expect(jar.header('http://localhost:3001/api/refresh')).toBe('rt=2');
  });
});
