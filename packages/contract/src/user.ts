/**
 * The signed-in person, as the API describes them: in the token answers of `/api/callback` and `/api/refresh`,
 * and (without `email_verified`) in `GET /api/me`.
 */
export interface User {
  /** Subject identifier at the provider (OIDC Core 2). Stable, unique per provider. */
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  /**
   * The roles the provider asserted in the claim named by `OIDC_ROLES_CLAIM`, bounded in number and length;
   * absent when it asserted none.
   */
  roles?: string[];
}

/** The members a {@link User} may have, for code that checks an answer member by member. */
export const USER_MEMBERS = ['sub', 'email', 'email_verified', 'name', 'roles'] as const;
