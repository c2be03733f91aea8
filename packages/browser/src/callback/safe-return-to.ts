/**
 * Keeps `returnTo` only when it is a same-origin relative path: one leading `/`, not `//host` nor `/\host`
 * (browsers read a backslash as a slash). The API checks this too (docs/security.md A.6); this is defence in depth.
 */
export function safeReturnTo(value: string | undefined | null, fallback = '/'): string {
  if (typeof value !== 'string' || !value.startsWith('/')) return fallback;
  if (value.startsWith('//') || value.startsWith('/\\')) return fallback;
  // Control characters (tab, newline) are stripped by URL parsers and could turn `/\t/evil` into `//evil`.
  for (let index = 0; index < value.length; index += 1) {
    if (value.charCodeAt(index) < 0x20 || value.charCodeAt(index) === 0x7f) return fallback;
  }
  return value;
}
