/** Most roles the API keeps for a user: they travel in every access token, bounded like the whole token. */
export const MAX_ROLES = 32;

/** Longest role kept, in characters (code points). */
export const MAX_ROLE_LENGTH = 64;

/** Most bytes the kept roles take as JSON (UTF-8), so that a token with them stays far below 4 KiB. */
export const MAX_ROLES_BYTES = 1024;

/** What {@link rolesFromClaims} kept, and what it dropped and why (reasons only: never the values). */
export interface RolesFound {
  /** The roles, in the provider's order, without duplicates; `undefined` when the provider asserted none. */
  readonly roles: string[] | undefined;
  /** How many values were dropped, and why (each reason once). Empty when nothing was. */
  readonly dropped: { readonly count: number; readonly reasons: readonly string[] };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** Half of a surrogate pair without the other half: not a character at all. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * docs/security.md 36: the user's roles, only from the claim `claim` names in the provider's validated answers,
 * userinfo first and the ID token's otherwise (as profile claims are), never from anything the browser sent.
 * `claim` is a top-level name, or a dotted path into nested objects (Keycloak's `realm_access.roles`); a name
 * that exists as it is, dots included (an Auth0 namespaced claim, `https://example.com/roles`), is read as it
 * is. A list of names, or one name, counts; anything else asserts no role. Each value must be a non-empty
 * string of at most {@link MAX_ROLE_LENGTH} characters without control characters; at most {@link MAX_ROLES}
 * are kept, {@link MAX_ROLES_BYTES} in all; the rest are dropped and said so.
 */
export function rolesFromClaims(
  claim: string,
  userinfo: Readonly<Record<string, unknown>>,
  idToken: Readonly<Record<string, unknown>>,
): RolesFound {
  const value = readClaim(userinfo, claim) ?? readClaim(idToken, claim);
  if (value === undefined || value === null) return { roles: undefined, dropped: { count: 0, reasons: [] } };
  const values: unknown[] = Array.isArray(value) ? value : [value];
  const roles: string[] = [];
  const reasons = new Set<string>();
  let count = 0;
  let bytes = 2; // the list's brackets
  const drop = (reason: string) => {
    count += 1;
    reasons.add(reason);
  };
  // Bounded: a list of a million values is looked at no further than it takes to know it is too long.
  for (const [index, role] of values.entries()) {
    if (index >= MAX_ROLES * 4) {
      count += values.length - index;
      reasons.add(`more than ${MAX_ROLES} roles`);
      break;
    }
    const problem = roleProblem(role);
    if (problem !== undefined) {
      drop(problem);
      continue;
    }
    const name = role as string;
    if (roles.includes(name)) continue;
    if (roles.length >= MAX_ROLES) {
      drop(`more than ${MAX_ROLES} roles`);
      continue;
    }
    const size = new TextEncoder().encode(JSON.stringify(name)).length + 1;
    if (bytes + size > MAX_ROLES_BYTES) {
      drop(`over ${MAX_ROLES_BYTES} bytes in all`);
      continue;
    }
    bytes += size;
    roles.push(name);
  }
  return { roles: roles.length === 0 ? undefined : roles, dropped: { count, reasons: [...reasons] } };
}

/** Why a value is not a role we keep, or `undefined` when it is one. */
function roleProblem(role: unknown): string | undefined {
  if (typeof role !== 'string') return 'not a string';
  if (role === '') return 'empty';
  if (role.length > MAX_ROLE_LENGTH * 2 || [...role].length > MAX_ROLE_LENGTH)
    return `longer than ${MAX_ROLE_LENGTH} characters`;
  if (CONTROL.test(role) || LONE_SURROGATE.test(role)) return 'not printable';
  return undefined;
}

/** The claim at `path` of `source`: the name as it is if present, else walked by its dots (own members only). */
function readClaim(source: Readonly<Record<string, unknown>>, path: string): unknown {
  if (Object.hasOwn(source, path)) return source[path];
  let current: unknown = source;
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    if (!Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
