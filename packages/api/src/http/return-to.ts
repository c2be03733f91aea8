/**
 * Keeps `return_to` only when it is a same-origin relative path (docs/security.md 6): `/contacts?x=1` passes;
 * `https://evil`, `//evil`, `/\evil`, control characters and anything that resolves to another origin fall back
 * to `/`. Prevents the login from becoming an open redirector.
 */
export function safeReturnTo(value: unknown, publicUrl: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return '/';
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return '/';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what we refuse
  if (/[\u0000-\u001f\u007f]/.test(value)) return '/';
  let resolved: URL;
  try {
    resolved = new URL(value, publicUrl);
  } catch {
    return '/';
  }
  if (resolved.origin !== new URL(publicUrl).origin) return '/';
  const path = `${resolved.pathname}${resolved.search}${resolved.hash}`;
  // Dot segments can collapse into a scheme-relative path (`/.//evil`, `/a/..//evil` → `//evil`), which a
  // browser resolves to another host: check the normalised result again.
  if (path.startsWith('//')) return '/';
  return path;
}
