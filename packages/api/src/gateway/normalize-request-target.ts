/** A request target made canonical, or the reason it cannot be. */
export type NormalizedTarget =
  | { readonly ok: true; readonly path: string; readonly query: string }
  | { readonly ok: false; readonly reason: string };

// RFC 3986 2.3: percent-encoded unreserved characters mean the characters themselves (6.2.2.2).
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
// What may stand in a path segment as it is (RFC 3986 3.3 pchar, less `%`, which starts an escape): anything
// else is percent-encoded, as the WHATWG URL parser the proxy builds its URL with would do.
const PCHAR = /^[A-Za-z0-9\-._~!$&'()*+,;=:@]$/;
// A slash, a backslash or a percent sign encoded: an upstream that decodes once more than we do (or sees `\`
// as `/`) would split or climb segments we did not.
const ENCODED_SEPARATOR = /%(2f|5c|25(2f|5c|2e))/i;
const NOT_VISIBLE_ASCII = /[^\u0021-\u007e]/;

/**
 * docs/security.md 35: the one canonical form of a request target, computed once, before Gatehouse decides
 * "own route or upstream" and before the gateway forwards, so that both sides act on the same path.
 *
 * - An absolute-form target (`GET http://host/api/x`, RFC 9112 3.2.2) becomes its path and query.
 * - Refused: anything else not starting with `/` (`*`, a bare authority), a fragment, control characters or
 *   spaces or non-ASCII bytes, a backslash raw or encoded, an encoded slash (`%2F`), a double-encoded separator or dot (`%252e`),
 *   malformed escapes or escapes that are not UTF-8, and a `.`/`..` segment followed by `;` parameters
 *   (`..;x`), which servlet containers resolve as `..`.
 * - Percent-encoded unreserved characters are decoded (`%2e` is `.`, `%61` is `a`), other escapes upper-cased,
 *   empty segments (`//`) dropped, `.` and `..` resolved (never above `/`), a trailing slash kept, and any
 *   character outside RFC 3986's `pchar` percent-encoded.
 *
 * The query is kept as it was sent.
 *
 * @example
 * normalizeRequestTarget('/api/./x//%2e%2e/me?q=1') // { ok: true, path: '/api/me', query: '?q=1' }
 */
export function normalizeRequestTarget(target: string): NormalizedTarget {
  let rest = target;
  const absolute = /^https?:\/\/[^/?#]*/i.exec(rest);
  if (absolute !== null) rest = rest.slice(absolute[0].length) || '/';
  if (!rest.startsWith('/')) return refused('not a path');
  const queryAt = rest.indexOf('?');
  const rawPath = queryAt === -1 ? rest : rest.slice(0, queryAt);
  const query = queryAt === -1 ? '' : rest.slice(queryAt);
  if (rawPath.includes('#') || query.includes('#')) return refused('a fragment');
  // Node hands the target over byte for byte: anything but visible ASCII was never a valid URI (RFC 3986 2).
  if (NOT_VISIBLE_ASCII.test(rawPath) || NOT_VISIBLE_ASCII.test(query))
    return refused('a control, space or non-ASCII character');
  if (rawPath.includes('\\')) return refused('a backslash');
  if (ENCODED_SEPARATOR.test(rawPath)) return refused('an encoded separator');

  const segments: string[] = [];
  const parts = rawPath.split('/');
  for (const [index, raw] of parts.entries()) {
    const segment = canonicalSegment(raw);
    if (segment === undefined) return refused('a malformed escape');
    const last = index === parts.length - 1;
    const bare = segment.split(';')[0];
    if (segment !== bare && (bare === '.' || bare === '..')) return refused('a dot segment with parameters');
    if (segment === '..') {
      segments.pop();
      if (last) segments.push('');
    } else if (segment === '.' || segment === '') {
      // `//` and `/./` name no segment; a trailing `/`, `/.` or `/..` keeps the path a directory.
      if (last && index > 0) segments.push('');
    } else segments.push(segment);
  }
  if (segments.length === 1 && segments[0] === '') return { ok: true, path: '/', query };
  return { ok: true, path: `/${segments.join('/')}`, query };
}

function refused(reason: string): NormalizedTarget {
  return { ok: false, reason };
}

/** One path segment with unreserved escapes decoded and everything else escaped once; undefined if malformed. */
function canonicalSegment(raw: string): string | undefined {
  let out = '';
  const bytes: number[] = [];
  for (let at = 0; at < raw.length; at += 1) {
    const char = raw.charAt(at);
    if (char === '%') {
      const hex = raw.slice(at + 1, at + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
      bytes.push(Number.parseInt(hex, 16));
      at += 2;
      continue;
    }
    const flushed = flush(bytes);
    if (flushed === undefined) return undefined;
    out += flushed;
    out += PCHAR.test(char) ? char : encode(char);
  }
  const flushed = flush(bytes);
  return flushed === undefined ? undefined : out + flushed;
}

/** Escaped bytes as canonical text: unreserved characters decoded, the rest as upper-case escapes. */
function flush(bytes: number[]): string | undefined {
  if (bytes.length === 0) return '';
  const buffer = Uint8Array.from(bytes);
  bytes.length = 0;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buffer);
  } catch {
    return undefined;
  }
  let out = '';
  for (const char of text) out += UNRESERVED.test(char) ? char : encode(char);
  return out;
}

function encode(char: string): string {
  return [...new TextEncoder().encode(char)]
    .map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)
    .join('');
}
