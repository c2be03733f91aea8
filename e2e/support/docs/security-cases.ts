/** A test docs/security.md names: the file, and the titles (or table rows) it quotes from it. */
export interface CitedTest {
  readonly file: string;
  readonly titles: readonly string[];
}

/** One numbered case of docs/security.md. */
export interface SecurityCase {
  readonly number: number;
  /** The letter of the section it sits in (A–J). */
  readonly section: string;
  readonly title: string;
  readonly tests: readonly CitedTest[];
  /** Issues named by "not yet built: issue N" notes: what is still to be built for this case. */
  readonly notYetBuilt: readonly number[];
}

/** docs/security.md as the docs test reads it. */
export interface SecurityDocument {
  readonly cases: readonly SecurityCase[];
  /** Every test the document names, in a case or not (a section's common rules have tests too). */
  readonly tests: readonly CitedTest[];
}

const SECTION = /^## ([A-Z])\. /;
const CASE = /^### (\d+)\. (.+)$/;
/** A bullet that starts with a test file in a code span: "- `path/x.test.ts`: "title"; "title"". */
const TEST_BULLET = /^- `([^`]+\.test\.tsx?)`(.*)$/;
const QUOTED = /"([^"]+)"/g;
const NOT_YET_BUILT = /not yet built: issue (\d+)/gi;

/**
 * Reads docs/security.md: `## A. …` sections, `### 12. …` cases, the bullets that name a test file followed by
 * quoted test titles (a bullet continues on lines indented by two spaces, so a long list of titles may wrap), and
 * the "not yet built: issue N" notes of each case.
 */
export function parseSecurityDocument(markdown: string): SecurityDocument {
  const cases: SecurityCase[] = [];
  const tests: CitedTest[] = [];
  let section = '';
  let current:
    | { number: number; section: string; title: string; lines: string[]; tests: CitedTest[] }
    | undefined;
  let bullet: string | undefined;

  const endBullet = () => {
    const match = bullet === undefined ? null : TEST_BULLET.exec(bullet);
    bullet = undefined;
    if (match === null) return;
    const titles = [...(match[2] ?? '').matchAll(QUOTED)].map((quoted) => quoted[1] ?? '');
    const test = { file: match[1] ?? '', titles };
    tests.push(test);
    if (current !== undefined) current.tests.push(test);
  };
  const endCase = () => {
    endBullet();
    if (current === undefined) return;
    const notes = [...current.lines.join('\n').matchAll(NOT_YET_BUILT)].map((note) => Number(note[1]));
    const { number, title, tests: cited } = current;
    cases.push({ number, section: current.section, title, tests: cited, notYetBuilt: notes });
    current = undefined;
  };

  for (const line of markdown.split('\n')) {
    const caseMatch = CASE.exec(line);
    if (line.startsWith('## ')) {
      endCase();
      section = SECTION.exec(line)?.[1] ?? '';
    } else if (caseMatch !== null) {
      endCase();
      current = { number: Number(caseMatch[1]), section, title: caseMatch[2] ?? '', lines: [], tests: [] };
    } else {
      current?.lines.push(line);
      if (bullet !== undefined && line.startsWith('  ') && line.trim() !== '') {
        bullet += ` ${line.trim()}`;
      } else {
        endBullet();
        if (line.startsWith('- ')) bullet = line;
      }
    }
  }
  endCase();
  return { cases, tests };
}
