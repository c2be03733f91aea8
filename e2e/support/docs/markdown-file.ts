import { githubSlug } from './github-slug.js';

/** A fenced block's opening line: up to any indentation (fences inside list items), three or more ` or ~. */
const FENCE = /^\s*(`{3,}|~{3,})/;
/** An inline code span: a run of backticks, then the shortest text up to a run of the same length. */
const CODE_SPAN = /(`+)(?!`)([\s\S]*?[^`])\1(?!`)/g;
const INLINE_LINK = /!?\[(?:[^[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
const REFERENCE_DEFINITION = /^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/gm;
const HTML_LINK = /\b(?:href|src)="([^"]+)"/g;
const HEADING = /^ {0,3}#{1,6}\s+(.+?)(?:\s+#+)?\s*$/gm;
const HTML_ANCHOR = /<a\s[^>]*\b(?:id|name)="([^"]+)"/g;

/**
 * One Markdown file, read the way GitHub renders it, as far as the docs test needs: its prose (fenced blocks
 * and code spans blanked out, so an example is never taken for a link), its code, its link targets and the
 * anchors of its headings.
 */
export class MarkdownFile {
  /** The text with every fenced block's lines emptied (line numbers kept); code spans still in place. */
  readonly #unfenced: string;
  /** Contents of the fenced blocks, one string per block. */
  readonly #blocks: string[];

  constructor(
    /** Path relative to the repository root. */
    readonly path: string,
    readonly text: string,
  ) {
    const unfenced: string[] = [];
    const blocks: string[] = [];
    let fence: string | undefined;
    let block: string[] = [];
    for (const line of text.split('\n')) {
      const opening = FENCE.exec(line)?.[1];
      if (fence === undefined && opening !== undefined) {
        fence = opening;
        block = [];
        unfenced.push('');
      } else if (fence !== undefined && line.trim().startsWith(fence[0]?.repeat(fence.length) ?? fence)) {
        fence = undefined;
        blocks.push(block.join('\n'));
        unfenced.push('');
      } else if (fence !== undefined) {
        block.push(line);
        unfenced.push('');
      } else {
        unfenced.push(line);
      }
    }
    if (fence !== undefined) blocks.push(block.join('\n'));
    this.#unfenced = unfenced.join('\n');
    this.#blocks = blocks;
  }

  /** The text without any code: fenced blocks and code spans blanked. */
  get prose(): string {
    return this.#unfenced.replace(CODE_SPAN, (span) => ' '.repeat(span.length));
  }

  /** Every fenced block and every code span, in no particular order. */
  get code(): string[] {
    const spans = [...this.#unfenced.matchAll(CODE_SPAN)].map((match) => match[2] ?? '');
    return [...this.#blocks, ...spans];
  }

  /** The contents of the code spans only (`like/this.ts`), in document order. */
  get codeSpans(): string[] {
    return [...this.#unfenced.matchAll(CODE_SPAN)].map((match) => match[2] ?? '');
  }

  /** Every link target written in the prose: inline links and images, reference definitions, HTML href/src. */
  get links(): string[] {
    const prose = this.prose;
    return [INLINE_LINK, REFERENCE_DEFINITION, HTML_LINK].flatMap((pattern) =>
      [...prose.matchAll(pattern)].map((match) => match[1] ?? ''),
    );
  }

  /** The anchors a link may name with `#…`: GitHub's heading slugs and explicit `<a id|name>`. */
  get anchors(): Set<string> {
    const seen = new Map<string, number>();
    const anchors = new Set<string>();
    for (const match of this.#unfenced.matchAll(HEADING)) anchors.add(githubSlug(match[1] ?? '', seen));
    for (const match of this.#unfenced.matchAll(HTML_ANCHOR)) anchors.add(match[1] ?? '');
    return anchors;
  }
}
