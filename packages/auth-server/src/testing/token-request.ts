import { REDIRECT_URI, TEST_SECRET } from './test-auth-server.js';

/** POSTs to the token endpoint with HTTP Basic client authentication (RFC 6749 2.3.1). */
export async function tokenRequest(
  issuer: string,
  body: Record<string, string>,
  client: { id: string; secret: string } = { id: 'first-party', secret: TEST_SECRET },
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(new URL('/token', issuer), {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString('base64')}`,
    },
    body: new URLSearchParams(body).toString(),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** The authorization_code grant request for `code` (redirect_uri and verifier overridable). */
export function codeGrant(code: string, verifier: string | undefined, redirectUri = REDIRECT_URI) {
  const body: Record<string, string> = { grant_type: 'authorization_code', code, redirect_uri: redirectUri };
  if (verifier !== undefined) body.code_verifier = verifier;
  return body;
}

/** Token introspection (RFC 7662) as the first-party client: is the token still active? */
export async function isActive(issuer: string, token: string): Promise<boolean> {
  const response = await fetch(new URL('/token/introspection', issuer), {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`first-party:${TEST_SECRET}`).toString('base64')}`,
    },
    body: new URLSearchParams({ token }).toString(),
  });
  return ((await response.json()) as { active?: boolean }).active === true;
}
