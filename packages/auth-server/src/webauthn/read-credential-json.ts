import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';

/**
 * Parses the `response` form field a passkey page posts (the browser's credential, as JSON): undefined unless it
 * is an object with a base64url `id` and a `response` object. The library checks the rest; this keeps garbage
 * (and a JSON bomb: the form is 16 KiB at most) from reaching it.
 */
export function readAssertionJson(field: string | undefined): AuthenticationResponseJSON | undefined {
  const value = parse(field);
  if (!value || typeof value.response !== 'object' || value.response === null) return undefined;
  return value as unknown as AuthenticationResponseJSON;
}

/** Like {@link readAssertionJson}, for a registration (`navigator.credentials.create`). */
export function readRegistrationJson(field: string | undefined): RegistrationResponseJSON | undefined {
  const value = parse(field);
  if (!value || typeof value.response !== 'object' || value.response === null) return undefined;
  return value as unknown as RegistrationResponseJSON;
}

function parse(field: string | undefined): Record<string, unknown> | undefined {
  if (!field) return undefined;
  try {
    const value: unknown = JSON.parse(field);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const record = value as Record<string, unknown>;
    return typeof record.id === 'string' && /^[A-Za-z0-9_-]{1,1366}$/.test(record.id) ? record : undefined;
  } catch {
    return undefined;
  }
}
