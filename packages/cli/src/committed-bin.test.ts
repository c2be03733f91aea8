import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '..', '..', '..');
/** What a fresh clone holds that the command needs (e2e and bench are workspaces too, but not its concern). */
const PACKAGES = ['common', 'contract', 'auth-server', 'api', 'demo-api', 'cli', 'browser', 'spa'];
const BUILD_LINE =
  /^gatehouse: building the server packages from source \(first run, or the sources changed\)… done in \d+\.\d s\n$/;

/**
 * A copy of this checkout as a fresh clone has it after `npm install`: the sources, no `dist`, and
 * node_modules linking the installed packages (the workspace packages to the copy's own folders).
 */
function freshClone(): string {
  const clone = mkdtempSync(join(tmpdir(), 'gatehouse-clone-'));
  for (const file of ['package.json', 'tsconfig.base.json', 'tsconfig.json'])
    cpSync(join(REPO, file), join(clone, file));
  for (const name of PACKAGES) {
    cpSync(join(REPO, 'packages', name), join(clone, 'packages', name), {
      recursive: true,
      filter: (source) => !/[/\\](dist|node_modules)$/.test(source),
    });
  }
  const modules = join(clone, 'node_modules');
  mkdirSync(join(modules, '@gatehouse'), { recursive: true });
  for (const entry of readdirSync(join(REPO, 'node_modules'))) {
    if (entry === '@gatehouse' || entry === '.bin' || entry === '.cache') continue;
    symlinkSync(join(REPO, 'node_modules', entry), join(modules, entry));
  }
  for (const name of PACKAGES) symlinkSync(join(clone, 'packages', name), join(modules, '@gatehouse', name));
  return clone;
}

function gatehouse(clone: string, ...args: string[]) {
  return gatehouseIn(clone, clone, ...args);
}

/** The same, run from the folder `cwd`. */
function gatehouseIn(clone: string, cwd: string, ...args: string[]) {
  const result = spawnSync(
    process.execPath,
    [join(clone, 'packages', 'cli', 'bin', 'gatehouse.js'), ...args],
    {
      cwd,
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

// Issue 11: the bin was a build output (packages/cli/dist/bin.js), absent on a fresh clone when npm links
// bins, so `npx gatehouse …` (the README's own recovery line) could not run.
describe('the gatehouse bin npm links', () => {
  let clone: string;
  beforeAll(() => {
    clone = freshClone();
  });
  afterAll(() => rmSync(clone, { recursive: true, force: true }));

  it('is a committed file, run by npm start with the same node flags', () => {
    const manifest = JSON.parse(readFileSync(join(REPO, 'packages', 'cli', 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    expect(manifest.bin).toEqual({ gatehouse: './bin/gatehouse.js' });
    expect(statSync(join(REPO, 'packages', 'cli', 'bin', 'gatehouse.js')).mode & 0o111).not.toBe(0);
  });

  it('says in one line, exit 1, when the user running it cannot build the checkout', () => {
    // Root may write anywhere: the test runs the command as nobody then; any other user, with node_modules
    // (where the build lock goes) read-only.
    const asRoot = process.getuid?.() === 0;
    chmodSync(clone, 0o755);
    if (!asRoot) chmodSync(join(clone, 'node_modules'), 0o555);
    const bin = join(clone, 'packages', 'cli', 'bin', 'gatehouse.js');
    const result = spawnSync(
      asRoot ? 'runuser' : process.execPath,
      asRoot ? ['-u', 'nobody', '--', process.execPath, bin, '--version'] : [bin, '--version'],
      { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8', timeout: 60_000 },
    );
    if (!asRoot) chmodSync(join(clone, 'node_modules'), 0o755);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^gatehouse: the build is missing or older than its sources, and this user cannot build it \(EACCES\): run npm run build as the owner of [^\n]+\n$/,
    );
  });

  // Issue 11, finding 5: on a fresh clone `PORT=abc npm start` said so only after building everything.
  it('refuses a bad setting on a fresh clone before building anything', () => {
    const bin = join(clone, 'packages', 'cli', 'bin', 'gatehouse.js');
    for (const [env, line] of [
      [{ PORT: 'abc' }, 'gatehouse start: Invalid PORT: must be a number (got "abc")\n'],
      [
        { LOG_LEVEL: 'loud' },
        'gatehouse start: Invalid LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got "loud")\n',
      ],
    ] as const) {
      const result = spawnSync(process.execPath, [bin, 'start'], {
        cwd: clone,
        env: { PATH: process.env.PATH ?? '', ...env },
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(result.stderr).toBe(line);
      expect(result.status).toBe(1);
    }
    // Refused before anything was built.
    expect(existsSync(join(clone, 'packages', 'cli', 'dist'))).toBe(false);
    expect(existsSync(join(clone, 'packages', 'spa', 'dist'))).toBe(false);
  }, 120_000);

  it('builds once on a fresh clone, saying so in one line, then runs without building again', () => {
    expect(existsSync(join(clone, 'packages', 'cli', 'dist'))).toBe(false);
    const first = gatehouse(clone, '--help');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Usage: gatehouse <command>/);
    expect(first.stderr).toMatch(BUILD_LINE);
    // `--help` serves no app: the SPA is built by `start` only.
    expect(existsSync(join(clone, 'packages', 'spa', 'dist'))).toBe(false);

    const built = statSync(join(clone, 'packages', 'cli', 'dist', 'main.js')).mtimeMs;
    const again = gatehouse(clone, 'users', 'add', '--help');
    expect(again).toMatchObject({ code: 0, stderr: '' });
    expect(again.stdout).toMatch(/^Usage: gatehouse users add /);
    expect(statSync(join(clone, 'packages', 'cli', 'dist', 'main.js')).mtimeMs).toBe(built);

    // A source changed since: built again (one line), then quiet.
    const later = new Date(Date.now() + 2000);
    utimesSync(join(clone, 'packages', 'common', 'src', 'index.ts'), later, later);
    const changed = gatehouse(clone, '--version');
    expect(changed.code).toBe(0);
    expect(changed.stderr).toMatch(BUILD_LINE);
    expect(gatehouse(clone, '--version')).toMatchObject({ code: 0, stderr: '' });
  }, 180_000);

  // Issue 11, finding 3: from a subfolder, `npx gatehouse users list` used a new, empty packages/api/.data.
  it("uses the checkout's .data from any folder of it when DATA_DIR is not set", () => {
    const subfolder = join(clone, 'packages', 'api');
    const added = spawnSync(
      process.execPath,
      [
        join(clone, 'packages', 'cli', 'bin', 'gatehouse.js'),
        'users',
        'add',
        'carol',
        '--email',
        'carol@example.com',
        '--password-stdin',
      ],
      {
        cwd: clone,
        env: { PATH: process.env.PATH ?? '' },
        input: 'a long enough passphrase\n',
        encoding: 'utf8',
      },
    );
    expect(added.status, added.stderr).toBe(0);
    const listed = gatehouseIn(clone, subfolder, 'users', 'list');
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('carol');
    expect(existsSync(join(subfolder, '.data'))).toBe(false);
    // A DATA_DIR that is set is the user's: relative to where the command runs.
    const own = spawnSync(
      process.execPath,
      [join(clone, 'packages', 'cli', 'bin', 'gatehouse.js'), 'users', 'list'],
      {
        cwd: subfolder,
        env: { PATH: process.env.PATH ?? '', DATA_DIR: 'mine' },
        encoding: 'utf8',
      },
    );
    expect(own.stdout).toBe('No users.\n');
    expect(existsSync(join(subfolder, 'mine'))).toBe(true);
  });

  it('is run by .ci/run right after npm ci, before the tests', () => {
    const steps = readFileSync(join(REPO, '.ci', 'run'), 'utf8')
      .split('\n')
      .filter((line) => /^(npm|npx) /.test(line));
    expect(steps).toEqual([
      'npm ci --no-audit --no-fund',
      'npx --no -- gatehouse --help >/dev/null',
      'npm test',
    ]);
  });
});
