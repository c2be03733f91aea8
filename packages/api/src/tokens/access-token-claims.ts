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
}
