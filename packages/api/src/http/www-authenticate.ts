/** A `WWW-Authenticate: Bearer` challenge (RFC 6750 3) with quoted-string values escaped. */
export function bearerChallenge(error: string, description: string): string {
  const quote = (value: string) => `"${value.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\r\n]/g, ' ')}"`;
  return `Bearer error=${quote(error)}, error_description=${quote(description)}`;
}
