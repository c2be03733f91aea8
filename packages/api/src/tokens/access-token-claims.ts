/** Claims of the API's own access token (RFC 9068 profile, `typ: at+jwt`). */
export interface AccessTokenClaims {
  iss: string;
  aud: string;
  sub: string;
  /** The API session id: revoking the session ends every token carrying it. */
  sid: string;
  jti: string;
  iat: number;
  exp: number;
  email?: string;
  name?: string;
  /** The roles the provider asserted at sign-in (docs/security.md 36); absent when it asserted none. */
  roles?: string[];
  /** The scopes the provider granted at sign-in, space-separated (RFC 9068 2.2.3). */
  scope?: string;
}
