/**
 * A `WWW-Authenticate: Bearer` challenge (RFC 6750 3) with quoted-string values escaped: `error`,
 * `error_description`, and `scope` when the route needs scopes the token lacks (`insufficient_scope`).
 */
export function bearerChallenge(error: string, description: string, scope?: string): string {
  const quote = (value: string) => `"${value.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\r\n]/g, ' ')}"`;
  const challenge = `Bearer error=${quote(error)}, error_description=${quote(description)}`;
  return scope === undefined ? challenge : `${challenge}, scope=${quote(scope)}`;
}
