/** The longest `User-Agent` kept with a session: enough to tell browsers apart, bounded per row. */
export const MAX_USER_AGENT_LENGTH = 256;

/**
 * C0 and C1 controls, DEL, and the Unicode format characters that reorder or hide text on a terminal
 * (bidirectional overrides and isolates, zero-width spaces and joiners, the BOM).
 */
function unprintable(code: number): boolean {
  return (
    code <= 0x1f ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2060 && code <= 0x2069) ||
    code === 0xfeff
  );
}

/**
 * `text` safe to show on an operator's terminal: every control and format character replaced by a space
 * (a browser-sent header could otherwise move the cursor or recolour the screen), then cut to `max`
 * characters with `…` marking the cut. An empty or absent value is `null`.
 *
 * @example
 * printableText('Mozilla/5.0\u001b[2J', 256) // 'Mozilla/5.0 [2J'
 */
export function printableText(text: string | undefined | null, max: number): string | null {
  if (text === undefined || text === null) return null;
  const chars = Array.from(text, (char) => (unprintable(char.codePointAt(0) ?? 0) ? ' ' : char));
  const clean = chars.join('').trim();
  if (clean === '') return null;
  const kept = Array.from(clean);
  return kept.length <= max ? clean : `${kept.slice(0, max - 1).join('')}…`;
}
