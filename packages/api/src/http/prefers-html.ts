/**
 * Whether a request's `Accept` prefers an HTML page to JSON (RFC 9110 12.5.1: each type takes the q of the most
 * specific range that matches it). A browser navigating sends `text/html,…,*\/*;q=0.8`, so it gets a page;
 * `fetch` and curl send `*\/*` and an API client `application/json`, so they keep the JSON. A tie keeps JSON.
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  // Bounded: a browser sends a handful of ranges; a header of thousands is read no further than this.
  const ranges = accept.split(',', 32).map(parseRange);
  const html = qualityOf('text', 'html', ranges);
  return html > 0 && html > qualityOf('application', 'json', ranges);
}

interface Range {
  readonly type: string;
  readonly subtype: string;
  readonly q: number;
}

function parseRange(part: string): Range {
  const [range = '', ...params] = part.split(';');
  const [type = '', subtype = ''] = range.trim().toLowerCase().split('/');
  const qParam = params.map((param) => param.trim().toLowerCase()).find((param) => param.startsWith('q='));
  const q = qParam === undefined ? 1 : Number(qParam.slice(2));
  return { type, subtype, q: Number.isFinite(q) && q >= 0 && q <= 1 ? q : 0 };
}

function qualityOf(type: string, subtype: string, ranges: readonly Range[]): number {
  let best = { specificity: 0, q: 0 };
  for (const range of ranges) {
    const specificity =
      range.type === type && range.subtype === subtype
        ? 3
        : range.type === type && range.subtype === '*'
          ? 2
          : range.type === '*' && range.subtype === '*'
            ? 1
            : 0;
    if (specificity > best.specificity) best = { specificity, q: range.q };
  }
  return best.q;
}
