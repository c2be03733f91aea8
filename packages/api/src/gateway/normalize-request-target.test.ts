import { describe, expect, it } from 'vitest';
import { normalizeRequestTarget } from './normalize-request-target.js';

const path = (target: string) => {
  const result = normalizeRequestTarget(target);
  if (!result.ok) throw new Error(`refused ${target}: ${result.reason}`);
  return `${result.path}${result.query}`;
};
const reason = (target: string) => {
  const result = normalizeRequestTarget(target);
  return result.ok ? `accepted as ${result.path}` : result.reason;
};

// docs/security.md 35: one canonical path, whatever spelling a client chose.
describe('normalizeRequestTarget', () => {
  it.each([
    ['/api/items?q=1&q=2', '/api/items?q=1&q=2'],
    ['/api/../x', '/x'],
    ['/api/%2e%2e/x', '/x'],
    ['/api/%2E%2e/me', '/me'],
    ['/api/a/%2e%2e/me', '/api/me'],
    ['/api/./admin', '/api/admin'],
    ['/api/%2e/admin', '/api/admin'],
    ['//api//x', '/api/x'],
    ['/api/x/', '/api/x/'],
    ['/api/x/.', '/api/x/'],
    ['/api/x/..', '/api/'],
    ['/../../etc/passwd', '/etc/passwd'],
    ['/%61pi/me', '/api/me'],
    ['/api/caf%c3%a9', '/api/caf%C3%A9'],
    ['/api/a%3bb', '/api/a%3Bb'],
    ['/api/a;b=c/d', '/api/a;b=c/d'],
    ['/api/{x}', '/api/%7Bx%7D'],
    ['http://evil.example/api/x?y', '/api/x?y'],
    ['HTTPS://evil.example', '/'],
    ['/api/x?a=../b', '/api/x?a=../b'],
    ['/', '/'],
  ])('%s is %s', (target, expected) => {
    expect(path(target)).toBe(expected);
  });

  it.each([
    ['/api/a%2Fb', 'an encoded separator'],
    ['/api/a%2fb', 'an encoded separator'],
    ['/api/a%5Cb', 'an encoded separator'],
    ['/api/%252e%252e/x', 'an encoded separator'],
    ['/api\\..\\x', 'a backslash'],
    ['/api/..;/admin', 'a dot segment with parameters'],
    ['/api/.;x/admin', 'a dot segment with parameters'],
    ['/api/%zz', 'a malformed escape'],
    ['/api/%c3', 'a malformed escape'],
    ['/api/x#frag', 'a fragment'],
    ['/api/a b', 'a control, space or non-ASCII character'],
    ['/api/\u00e9', 'a control, space or non-ASCII character'],
    ['/api/\u0000', 'a control, space or non-ASCII character'],
    ['*', 'not a path'],
    ['api/x', 'not a path'],
  ])('%s is refused: %s', (target, expected) => {
    expect(reason(target)).toBe(expected);
  });

  it('is idempotent: a canonical path stays as it is', () => {
    for (const target of ['/api/a/%2e%2e/me', '/api/caf%c3%a9', '/api/{x}', '//api//x/./y/']) {
      const once = path(target);
      expect(path(once)).toBe(once);
    }
  });
});
