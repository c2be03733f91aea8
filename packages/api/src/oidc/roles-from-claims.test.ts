import { describe, expect, it } from 'vitest';
import { MAX_ROLE_LENGTH, MAX_ROLES, MAX_ROLES_BYTES, rolesFromClaims } from './roles-from-claims.js';

// docs/security.md 36: what the provider asserted, in the configured claim, bounded; nothing else.
describe('rolesFromClaims', () => {
  it('reads userinfo first, the ID token otherwise, and only the configured claim', () => {
    expect(rolesFromClaims('roles', { roles: ['editor'] }, { roles: ['admin'] }).roles).toEqual(['editor']);
    expect(rolesFromClaims('roles', {}, { roles: ['admin'] }).roles).toEqual(['admin']);
    expect(rolesFromClaims('roles', { groups: ['admin'], role: 'admin' }, { groups: ['admin'] }).roles).toBe(
      undefined,
    );
    expect(rolesFromClaims('groups', { roles: ['admin'], groups: ['staff'] }, {}).roles).toEqual(['staff']);
  });

  it('walks a dotted path through nested objects, and reads a name with dots as it is when present', () => {
    const keycloak = { realm_access: { roles: ['admin', 'offline_access'] }, resource_access: {} };
    expect(rolesFromClaims('realm_access.roles', {}, keycloak).roles).toEqual(['admin', 'offline_access']);
    expect(rolesFromClaims('realm_access.missing', {}, keycloak).roles).toBeUndefined();
    expect(rolesFromClaims('realm_access.roles.0', {}, keycloak).roles).toBeUndefined();
    const auth0 = { 'https://example.com/roles': ['admin'], https: { '//example': { com: ['nope'] } } };
    expect(rolesFromClaims('https://example.com/roles', auth0, {}).roles).toEqual(['admin']);
    // Own members only: nothing is read from an object's prototype.
    expect(rolesFromClaims('constructor.name', {}, {}).roles).toBeUndefined();
    expect(rolesFromClaims('toString', {}, {}).roles).toBeUndefined();
    expect(rolesFromClaims('roles.length', { roles: ['a'] }, {}).roles).toBeUndefined();
  });

  it('takes one name as one role, and anything else as no role at all', () => {
    expect(rolesFromClaims('roles', { roles: 'admin' }, {}).roles).toEqual(['admin']);
    for (const value of [42, true, { admin: true }, null]) {
      expect(rolesFromClaims('roles', { roles: value }, {}).roles, JSON.stringify(value)).toBeUndefined();
    }
  });

  it('keeps printable names of at most 64 characters, once each, and says what it dropped without the values', () => {
    const found = rolesFromClaims(
      'roles',
      {
        roles: [
          'admin',
          'admin',
          '',
          'x'.repeat(MAX_ROLE_LENGTH + 1),
          'bad\u0000role',
          'tab\there',
          7,
          '\ud800',
          '😀'.repeat(MAX_ROLE_LENGTH),
        ],
      },
      {},
    );
    expect(found.roles).toEqual(['admin', '😀'.repeat(MAX_ROLE_LENGTH)]);
    expect(found.dropped.count).toBe(6);
    expect([...found.dropped.reasons].sort()).toEqual([
      'empty',
      `longer than ${MAX_ROLE_LENGTH} characters`,
      'not a string',
      'not printable',
    ]);
  });

  it(`keeps at most ${MAX_ROLES} roles and ${MAX_ROLES_BYTES} bytes of them, however many are asserted`, () => {
    const many = Array.from({ length: 100_000 }, (_, index) => `role-${index}`);
    const found = rolesFromClaims('roles', { roles: many }, {});
    expect(found.roles).toEqual(many.slice(0, MAX_ROLES));
    expect(found.dropped.count).toBe(many.length - MAX_ROLES);
    expect(found.dropped.reasons).toEqual([`more than ${MAX_ROLES} roles`]);

    const wide = Array.from(
      { length: MAX_ROLES },
      (_, index) => `${'ü'.repeat(MAX_ROLE_LENGTH - 3)}${index}`,
    );
    const bounded = rolesFromClaims('roles', { roles: wide }, {});
    expect(new TextEncoder().encode(JSON.stringify(bounded.roles)).length).toBeLessThanOrEqual(
      MAX_ROLES_BYTES,
    );
    expect(bounded.roles?.length).toBeLessThan(MAX_ROLES);
    expect(bounded.dropped.reasons).toEqual([`over ${MAX_ROLES_BYTES} bytes in all`]);
  });
});
