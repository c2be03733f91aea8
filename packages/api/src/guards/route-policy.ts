/** What a guarded route requires beyond a valid token of a live session. */
export interface RoutePolicy {
  /** Every one of these roles (docs/security.md 36). */
  readonly roles?: readonly string[];
  /** Every one of these scopes (RFC 6750 3.1). */
  readonly scopes?: readonly string[];
}

/** A signed-in user, nothing more. */
export const SIGNED_IN: RoutePolicy = Object.freeze({});

/** A policy from the names a guard was given; an empty name is a programming error, refused at start. */
export function policyOf(kind: 'roles' | 'scopes', names: readonly string[]): RoutePolicy {
  if (
    names.length === 0 ||
    names.some((name) => typeof name !== 'string' || name === '' || /\s/.test(name))
  ) {
    throw new TypeError(`a guard for ${kind} needs one or more names without spaces`);
  }
  return Object.freeze({ [kind]: Object.freeze([...names]) });
}
