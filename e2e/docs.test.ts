import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, posix } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { githubSlug } from './support/docs/github-slug.js';
import { MarkdownFile } from './support/docs/markdown-file.js';
import { repoFiles } from './support/docs/repo-files.js';
import { parseSecurityDocument, type SecurityDocument } from './support/docs/security-cases.js';

// The docs are the project's own and must stay true: every link resolves, every document a comment cites
// exists, docs/security.md lists every case with tests that exist, and the README promises only what is there.

const ROOT = join(import.meta.dirname, '..');

/** The sections of docs/security.md and their cases; code comments cite both ("docs/security.md A.6", "… 21"). */
const SECTIONS: Readonly<Record<string, readonly [number, number]>> = {
  A: [1, 7],
  B: [8, 14],
  C: [15, 19],
  D: [20, 23],
  E: [24, 28],
  F: [29, 33],
  G: [34, 37],
  H: [38, 42],
  I: [43, 46],
  J: [47, 52],
};

/**
 * Documents outside the repository that nothing in it may cite (the team's working notes): written so that this
 * file does not cite them itself.
 */
const OUTSIDE_DOCUMENTS = new RegExp(`\\b(?:${['SECURITY', 'DESIGN', 'STYLE'].join('|')})\\.md\\b`);

/** A backticked path in docs/*.md that must exist: rooted at a top-level folder of the repository. */
const REPO_PATH = /^(?:packages|e2e|bench|docs|examples|\.ci)\/[\w.@/-]*$/;

let files: string[];
let fileSet: Set<string>;
let markdown: MarkdownFile[];

function read(path: string): string {
  return readFileSync(join(ROOT, path), 'utf8');
}

/** True for a tracked file, or a folder holding one. */
function exists(path: string): boolean {
  const clean = path.replace(/\/$/, '');
  return fileSet.has(clean) || files.some((file) => file.startsWith(`${clean}/`));
}

beforeAll(() => {
  files = repoFiles(ROOT);
  fileSet = new Set(files);
  markdown = files.filter((file) => file.endsWith('.md')).map((file) => new MarkdownFile(file, read(file)));
});

describe('links in the Markdown files', () => {
  it('finds the Markdown files to check', () => {
    expect(markdown.map((file) => file.path)).toEqual(
      expect.arrayContaining(['README.md', 'docs/security.md', 'docs/architecture.md', 'bench/README.md']),
    );
  });

  it('resolves every relative link to a file in the repository, and every #anchor to a heading', () => {
    const broken: string[] = [];
    for (const file of markdown) {
      for (const link of file.links) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(link) || link.startsWith('//')) continue;
        const [rawPath = '', fragment] = link.split('#', 2);
        const path = decodeURIComponent(rawPath);
        const target =
          path === ''
            ? file.path
            : posix.normalize(
                path.startsWith('/') ? path.slice(1) : posix.join(posix.dirname(file.path), path),
              );
        if (target.startsWith('..') || !exists(target)) {
          broken.push(`${file.path}: ${link} (no such file)`);
          continue;
        }
        if (fragment === undefined || fragment === '' || !target.endsWith('.md')) continue;
        const anchors = markdown.find((other) => other.path === target)?.anchors ?? new Set<string>();
        if (!anchors.has(decodeURIComponent(fragment)))
          broken.push(`${file.path}: ${link} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('slugs headings as GitHub does', () => {
    const seen = new Map<string, number>();
    expect(githubSlug('CLI (`gatehouse`, every command uses `DATA_DIR`)', seen)).toBe(
      'cli-gatehouse-every-command-uses-data_dir',
    );
    expect(githubSlug('Security cases and their tests (docs/security.md E and F)', seen)).toBe(
      'security-cases-and-their-tests-docssecuritymd-e-and-f',
    );
    expect(githubSlug('The flow — step by step', seen)).toBe('the-flow--step-by-step');
    expect(githubSlug('The flow — step by step', seen)).toBe('the-flow--step-by-step-1');
  });
});

describe('citations', () => {
  it('cites only docs/*.md files that exist, from code and Markdown', () => {
    const missing: string[] = [];
    for (const file of files.filter((path) => /\.(ts|tsx|md)$/.test(path))) {
      for (const match of read(file).matchAll(/(?<![\w-]\/|[\w-])docs\/([\w-]+)\.md/g)) {
        if (!fileSet.has(`docs/${match[1]}.md`)) missing.push(`${file}: ${match[0]}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('never cites a document that is not in the repository', () => {
    const citing = files.filter((file) => {
      const text = read(file);
      return !text.includes('\0') && OUTSIDE_DOCUMENTS.test(text);
    });
    expect(citing).toEqual([]);
  });

  it('cites docs/security.md sections and cases that exist, in the right section', () => {
    const cases = new Map(
      parseSecurityDocument(read('docs/security.md')).cases.map((each) => [each.number, each]),
    );
    const wrong: string[] = [];
    for (const file of files.filter((path) => /\.(ts|tsx|md)$/.test(path))) {
      for (const match of read(file).matchAll(/docs\/security\.md,? (?:([A-J])(?:\.(\d+))?\b|(\d+)\b)/g)) {
        const [citation, letter, inSection, bare] = match;
        const number = Number(inSection ?? bare);
        const cited = cases.get(number);
        if ((inSection ?? bare) !== undefined && cited === undefined) wrong.push(`${file}: ${citation}`);
        else if (letter !== undefined && cited !== undefined && cited.section !== letter)
          wrong.push(`${file}: ${citation} (case ${number} is in ${cited.section})`);
        else if (letter !== undefined && SECTIONS[letter] === undefined) wrong.push(`${file}: ${citation}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('cites steps of docs/architecture.md that exist', () => {
    const steps = new Set(
      [...read('docs/architecture.md').matchAll(/^### Step (\d+)\b/gm)].map((match) => Number(match[1])),
    );
    expect([...steps].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const wrong: string[] = [];
    for (const file of files.filter((path) => /\.(ts|tsx|md)$/.test(path))) {
      for (const match of read(file).matchAll(/docs\/architecture\.md (\d+)(?:[–-](\d+))?/g)) {
        for (const step of [match[1], match[2]]) {
          if (step !== undefined && !steps.has(Number(step))) wrong.push(`${file}: ${match[0]}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('names only paths that exist in docs/*.md', () => {
    const missing: string[] = [];
    for (const file of markdown.filter((each) => each.path.startsWith('docs/'))) {
      for (const span of file.codeSpans) {
        if (REPO_PATH.test(span) && !exists(span)) missing.push(`${file.path}: ${span}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('docs/security.md', () => {
  let security: SecurityDocument;
  beforeAll(() => {
    security = parseSecurityDocument(read('docs/security.md'));
  });

  it('lists every case 1–52 once, in order, each in its section', () => {
    const { cases } = security;
    expect(cases.map((each) => each.number)).toEqual(Array.from({ length: 52 }, (_, index) => index + 1));
    const misplaced = cases.filter((each) => {
      const range = SECTIONS[each.section];
      return range === undefined || each.number < range[0] || each.number > range[1];
    });
    expect(misplaced.map((each) => `${each.number} in ${each.section}`)).toEqual([]);
  });

  it('points every case at a test that proves it, or at the issue that will build it', () => {
    const unproved = security.cases.filter(
      (each) => each.tests.length === 0 && each.notYetBuilt.length === 0,
    );
    expect(unproved.map((each) => each.number)).toEqual([]);
    const untitled = security.tests.filter((test) => test.titles.length === 0).map((test) => test.file);
    expect(untitled).toEqual([]);
  });

  it('names test files that exist and quotes titles that appear in them', () => {
    expect(security.tests.length).toBeGreaterThan(52);
    const wrong: string[] = [];
    for (const test of security.tests) {
      if (!fileSet.has(test.file)) {
        wrong.push(`${test.file} does not exist`);
        continue;
      }
      const source = read(test.file);
      for (const title of test.titles) {
        // A title is quoted as the test writes it: a whole string or template literal.
        const written = [`'${title}'`, `"${title}"`, `\`${title}\``].some((literal) =>
          source.includes(literal),
        );
        if (!written) wrong.push(`"${title}" is not in ${test.file}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('the dependency rules of docs/architecture.md', () => {
  const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;

  /** What the source files under `folder` import, as `file: specifier`, for the specifiers `refused` picks. */
  function imports(folder: string, refused: (specifier: string) => boolean, skip = /^$/): string[] {
    const found: string[] = [];
    for (const file of files.filter((path) => path.startsWith(folder) && /\.tsx?$/.test(path))) {
      if (skip.test(file)) continue;
      for (const match of read(file).matchAll(IMPORT)) {
        const specifier = match[1] ?? '';
        if (refused(specifier)) found.push(`${file}: ${specifier}`);
      }
    }
    return found;
  }

  function dependsOn(pkg: string): string[] {
    const manifest = JSON.parse(read(`${pkg}/package.json`)) as Record<string, Record<string, string>>;
    return Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });
  }

  it('keeps the API and the auth server apart: they meet only over HTTP', () => {
    expect(
      imports('packages/api/', (specifier) => /^@gatehouse\/auth-server|auth-server\//.test(specifier)),
    ).toEqual([]);
    expect(
      imports('packages/auth-server/', (specifier) => /^@gatehouse\/api\b|\.\.\/api\//.test(specifier)),
    ).toEqual([]);
    expect(dependsOn('packages/api')).not.toContain('@gatehouse/auth-server');
    expect(dependsOn('packages/auth-server')).not.toContain('@gatehouse/api');
  });

  it('keeps server code and Node out of browser code', () => {
    const nodeOnly = new Set(builtinModules);
    const serverSide = (specifier: string) =>
      specifier.startsWith('node:') ||
      nodeOnly.has(specifier) ||
      /^@gatehouse\/(?:api|auth-server|common|cli|demo-api)\b/.test(specifier) ||
      /\.\.\/(?:api|auth-server|common|cli|demo-api)\//.test(specifier);
    const testsOnly = /\.test\.tsx?$|\/test-support\//;
    expect(imports('packages/browser/src/', serverSide, testsOnly)).toEqual([]);
    expect(imports('packages/spa/src/', serverSide, testsOnly)).toEqual([]);
    for (const pkg of ['packages/browser', 'packages/spa']) {
      expect(
        dependsOn(pkg).filter((name) => /^@gatehouse\/(?:api|auth-server|common|cli|demo-api)$/.test(name)),
      ).toEqual([]);
    }
  });

  it('keeps the contract free of dependencies, of Node and of every other part', () => {
    const nodeOnly = new Set(builtinModules);
    expect(imports('packages/contract/', (specifier) => !specifier.startsWith('.'))).toEqual([]);
    expect(
      imports('packages/contract/', (specifier) => specifier.startsWith('node:') || nodeOnly.has(specifier)),
    ).toEqual([]);
    expect(dependsOn('packages/contract')).toEqual([]);
  });

  it('keeps the demo out of the reusable packages: the demo depends on the API, never the reverse', () => {
    for (const pkg of ['packages/api', 'packages/contract', 'packages/common', 'packages/browser']) {
      expect(imports(`${pkg}/`, (specifier) => /demo-api/.test(specifier))).toEqual([]);
      expect(dependsOn(pkg)).not.toContain('@gatehouse/demo-api');
    }
    expect(
      imports('packages/demo-api/', (specifier) =>
        /^@gatehouse\/(?:auth-server|cli)\b|auth-server\//.test(specifier),
      ),
    ).toEqual([]);
  });

  it('builds the examples on the public entry points of @gatehouse/api only, as a team would', () => {
    const allowed = /^(?:\.|@gatehouse\/api(?:\/express)?$|fastify$|express$)/;
    expect(imports('examples/', (specifier) => !allowed.test(specifier))).toEqual([]);
  });
});

describe("the README's Protect your own API", () => {
  /** The lines of a file between `// #region readme` and `// #endregion readme`. */
  function readmeRegion(file: string): string {
    const text = read(file);
    const start = text.indexOf('// #region readme\n');
    const end = text.indexOf('// #endregion readme');
    expect(start, `${file} has no readme region`).toBeGreaterThanOrEqual(0);
    expect(end, `${file} has no end to its readme region`).toBeGreaterThan(start);
    return text.slice(start + '// #region readme\n'.length, end).replace(/\n+$/, '');
  }

  it('shows each example as its file holds it', () => {
    const blocks = new MarkdownFile('README.md', read('README.md')).code;
    for (const file of ['examples/fastify-api/src/server.ts', 'examples/express-api/src/server.ts']) {
      expect(blocks, file).toContain(readmeRegion(file));
    }
  });
});

describe('the README', () => {
  it('shows only gatehouse commands that exist', async () => {
    const url = pathToFileURL(join(ROOT, 'packages/cli/src/commands/index.ts')).href;
    const loaded: unknown = await import(url);
    const commands = (loaded as { commands?: unknown }).commands;
    expect(Array.isArray(commands)).toBe(true);
    const names = new Set(
      (Array.isArray(commands) ? commands : []).map((command: unknown) =>
        typeof command === 'object' && command !== null && 'name' in command ? String(command.name) : '',
      ),
    );
    expect(names).toContain('start');
    const unknown: string[] = [];
    for (const file of markdown) {
      for (const snippet of file.code) {
        for (const match of snippet.matchAll(/(?:^|[\s(|;&])gatehouse ([a-z][a-z-]*)/gm)) {
          if (!names.has(match[1] ?? '')) unknown.push(`${file.path}: gatehouse ${match[1]}`);
        }
      }
    }
    expect(unknown).toEqual([]);
  });

  // Issue 11, finding 9: the Node requirement came after the commands (with two paragraphs on crash loops and npm
  // warnings between), the own-provider line named one redirect URI of the three a provider needs, and the QR
  // code was promised where only a terminal shows it.
  it('has a quick start that says what it needs first and what a provider needs in full', () => {
    const readme = read('README.md');
    const quick = readme.slice(
      readme.indexOf('## Quick start\n'),
      readme.indexOf('\n## ', readme.indexOf('## Quick start\n') + 1),
    );
    expect(quick.indexOf('Node.js 20.19')).toBeGreaterThan(-1);
    expect(quick.indexOf('Node.js 20.19')).toBeLessThan(quick.indexOf('npm install\nnpm start'));
    for (const uri of [
      'http://localhost:3001/callback',
      'http://localhost:3001/authorization-code/callback',
      'http://localhost:3001/',
    ])
      expect(quick).toContain(`\`${uri}\``);
    expect(quick).not.toMatch(/EBADENGINE|Restart=on-failure/);
    expect(quick).toMatch(/QR code\s+when the output is a terminal/);
    // The lost-password line is the one the banner prints (packages/cli/src/start/print-banner.ts).
    expect(read('packages/cli/src/start/print-banner.ts')).toContain(
      "printf '%s' 'a new passphrase' | npx gatehouse users passwd alice --password-stdin",
    );
    expect(quick).toContain(
      "printf '%s' 'a new passphrase' | npx gatehouse users passwd alice --password-stdin",
    );
  });

  it('documents every environment variable the servers read', () => {
    const readme = new MarkdownFile('README.md', read('README.md')).codeSpans;
    const variables = new Set<string>();
    const sources = files.filter(
      (path) => /^packages\/[\w-]+\/src\/.*\.tsx?$/.test(path) && !/\.test\.tsx?$|\/testing\//.test(path),
    );
    for (const file of sources) {
      const source = read(file);
      // The keys of a schema given to parseEnv (one per line), and any variable read from an env object directly.
      const patterns = [/\benv\.([A-Z][A-Z0-9_]*)\b/g, /env\[['"]([A-Z][A-Z0-9_]*)['"]\]/g];
      if (source.includes('parseEnv(')) patterns.push(/^\s+([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*):\s/gm);
      for (const pattern of patterns) {
        for (const match of source.matchAll(pattern)) variables.add(match[1] ?? '');
      }
    }
    expect(variables).toContain('OIDC_ISSUER');
    expect(variables).toContain('AUTH_ISSUER');
    expect([...variables].filter((variable) => !readme.includes(variable)).sort()).toEqual([]);
  });
});
