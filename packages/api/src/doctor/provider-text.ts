/**
 * Provider-supplied text (an issuer, an endpoint, an error code) made safe for one line of a terminal: anything but
 * printable ASCII becomes `?`, so a hostile provider cannot move the cursor, rewrite earlier lines or break the
 * one-line-per-finding format; long values are cut.
 */
export function printable(value: unknown, max = 120): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/**
 * An endpoint as the findings show it: origin and path only. A query (which may carry anything) is dropped; a
 * value that is not a URL is shown as provider text.
 */
export function endpointLabel(url: unknown): string {
  if (typeof url !== 'string' || !URL.canParse(url)) return printable(url, 80);
  const parsed = new URL(url);
  return printable(`${parsed.origin}${parsed.pathname}`);
}

/** An OAuth `error` code as sent (RFC 6749 5.2 allows a narrow alphabet), or `undefined` for anything else. */
export function oauthErrorCode(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(value) ? value : undefined;
}

/** The OAuth `error` code of a JSON error answer (RFC 6749 5.2), or `undefined`; nothing else of it is read. */
export function oauthErrorOfBody(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null
      ? oauthErrorCode((parsed as { error?: unknown }).error)
      : undefined;
  } catch {
    return undefined;
  }
}
