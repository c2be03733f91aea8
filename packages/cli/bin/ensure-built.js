// @ts-check
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: this file is packages/cli/bin/ensure-built.js. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** What `gatehouse` runs, built by `tsc -b packages/cli` (which builds the packages it references first). */
const SERVER_PACKAGES = ['common', 'contract', 'auth-server', 'api', 'demo-api', 'cli'];
/** Where the sources of the demo app are (the SDK's and the contract's included: Vite bundles them from source). */
const APP_INPUTS = [
  'packages/spa/src',
  'packages/spa/public',
  'packages/spa/index.html',
  'packages/spa/vite.config.ts',
  'packages/spa/package.json',
  'packages/browser/src',
  'packages/browser/package.json',
  'packages/contract/src',
  'packages/contract/package.json',
];
const APP_OUTPUT = 'packages/spa/dist/index.html';
/** Another `gatehouse` building at the same time is waited for, this long at most. */
const LOCK_WAIT_MS = 180_000;
const LOCK_POLL_MS = 200;
/** Folders are walked this deep at most (the sources are 3–4 levels deep). */
const MAX_DEPTH = 12;

/**
 * Builds what the command needs and is missing or older than its sources, so that `npx gatehouse …` works on a
 * fresh clone right after `npm install`, and a later run never rebuilds what is up to date (a build is seen
 * to be up to date by comparing times: a few milliseconds, no compiler loaded). The server packages are
 * compiled by `tsc -b --noCheck` (type checking is `npm test`'s and `npm run typecheck`'s job, and the most
 * of a build's time), the app by Vite, both at once; for `gatehouse start` (and `start api`) only, since only
 * they serve it. One line on standard error says what happens; a failed build prints the compiler's output
 * and exits 1. Without TypeScript installed (a production install), what is built is run as it is.
 *
 * @param {readonly string[]} args the command's arguments
 * @returns {Promise<void>}
 */
export async function ensureBuilt(args) {
  const withApp = servesApp(args);
  if (stale(withApp).length === 0) return;
  const release = await lock();
  try {
    // Another `gatehouse` may have built it while this one waited.
    const parts = stale(withApp);
    if (parts.length === 0) return;
    await build(parts);
  } finally {
    release();
  }
}

/**
 * True when the server packages have never been built here (a fresh clone): nothing of the command can run
 * before {@link ensureBuilt} has built them.
 *
 * @returns {boolean}
 */
export function neverBuilt() {
  return !SERVER_PACKAGES.every(isBuilt);
}

/**
 * @param {readonly string[]} args
 * @returns {boolean} true for `gatehouse start` and `gatehouse start api` (not their --help)
 */
function servesApp(args) {
  const [command, mode] = args;
  if (command !== 'start' || (mode !== undefined && mode !== 'api')) return false;
  return !args.some((arg) => arg === '--help' || arg === '-h' || arg === '--version');
}

/**
 * @param {boolean} withApp
 * @returns {('server' | 'app')[]} what must be built
 */
function stale(withApp) {
  /** @type {('server' | 'app')[]} */
  const parts = [];
  const serverStale = SERVER_PACKAGES.some((name) => {
    const dir = join(ROOT, 'packages', name);
    const inputs = Math.max(...serverInputs(dir).map(newestOf));
    return inputs > modified(join(dir, 'dist', '.tsbuildinfo'));
  });
  if (serverStale) parts.push('server');
  // Outside this repository (no app sources), there is no app to build.
  const app = Math.max(...APP_INPUTS.map((input) => newest(join(ROOT, input))));
  if (withApp && app > 0 && app > modified(join(ROOT, APP_OUTPUT))) parts.push('app');
  return parts;
}

/**
 * @param {string} dir a server package's folder
 * @returns {string[]} what its build is made from
 */
function serverInputs(dir) {
  return [
    join(ROOT, 'tsconfig.base.json'),
    join(dir, 'src'),
    join(dir, 'tsconfig.json'),
    join(dir, 'package.json'),
  ];
}

/**
 * @param {('server' | 'app')[]} parts
 * @returns {Promise<void>}
 */
async function build(parts) {
  const tsc = binOf('typescript', 'tsc', ROOT);
  const vite = binOf('vite', 'vite', join(ROOT, 'packages', 'spa'));
  if (parts.includes('server') && tsc === undefined) {
    // A production install (no dev dependencies) runs the build it was given.
    if (parts.every((part) => part === 'server') && SERVER_PACKAGES.every(isBuilt)) return;
    process.stderr.write(
      'gatehouse: the command is not built and TypeScript is not installed to build it: run npm install, then npm run build\n',
    );
    process.exit(1);
  }
  const what =
    parts.length === 2
      ? 'the server packages and the app'
      : parts[0] === 'app'
        ? 'the app'
        : 'the server packages';
  process.stderr.write(`gatehouse: building ${what} from source (first run, or the sources changed)… `);
  const started = Date.now();
  /** @type {Promise<{ ok: boolean; output: string }>[]} */
  const jobs = [];
  if (parts.includes('server') && tsc !== undefined) {
    jobs.push(run([tsc, '-b', join(ROOT, 'packages', 'cli'), '--noCheck'], ROOT));
  }
  if (parts.includes('app') && vite !== undefined) {
    jobs.push(run([vite, 'build', '--logLevel', 'warn'], join(ROOT, 'packages', 'spa')));
  }
  const results = await Promise.all(jobs);
  const failed = results.filter((result) => !result.ok);
  if (failed.length > 0) {
    process.stderr.write(`failed:\n${failed.map((result) => result.output.trim()).join('\n')}\n`);
    process.exit(1);
  }
  // tsc leaves a project it finds up to date untouched (a changed file it does not compile, a folder's time):
  // its build info is marked fresh here so that the next run does not build again, even past a source whose
  // time is ahead of this clock (an archive made on another machine).
  if (parts.includes('server')) {
    for (const name of SERVER_PACKAGES) {
      const dir = join(ROOT, 'packages', name);
      // A millisecond past the newest: file times are finer than a Date, and a rounded-down time looks stale.
      const fresh = new Date(Math.ceil(Math.max(Date.now(), ...serverInputs(dir).map(newestOf))) + 1);
      utimesSync(join(dir, 'dist', '.tsbuildinfo'), fresh, fresh);
    }
  }
  process.stderr.write(`done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

/**
 * @param {string[]} command a script and its arguments, run with this node
 * @param {string} cwd
 * @returns {Promise<{ ok: boolean; output: string }>}
 */
function run(command, cwd) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, command, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.once('error', (error) => resolve({ ok: false, output: `${output}${error.message}` }));
    child.once('close', (code) => resolve({ ok: code === 0, output }));
  });
}

/**
 * The script of a package's command, or undefined when the package is not installed.
 *
 * @param {string} pkg
 * @param {string} command
 * @param {string} from where to resolve the package from
 * @returns {string | undefined}
 */
function binOf(pkg, command, from) {
  try {
    const manifest = createRequire(join(from, 'package.json')).resolve(`${pkg}/package.json`);
    const { bin } = /** @type {{ bin?: string | Record<string, string> }} */ (
      JSON.parse(readFileSync(manifest, 'utf8'))
    );
    const script = typeof bin === 'string' ? bin : bin?.[command];
    return script === undefined ? undefined : join(dirname(manifest), script);
  } catch {
    return undefined;
  }
}

/**
 * @param {string} name a server package
 * @returns {boolean}
 */
function isBuilt(name) {
  return modified(join(ROOT, 'packages', name, 'dist', '.tsbuildinfo')) > 0;
}

/**
 * The newest modification time (ms) of a file, or of a folder and everything in it (a folder's own time
 * changes when a file is added or removed); 0 when it does not exist.
 *
 * @param {string} path
 * @param {number} [depth]
 * @returns {number}
 */
function newest(path, depth = 0) {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return 0;
  }
  if (!stats.isDirectory() || depth >= MAX_DEPTH) return stats.mtimeMs;
  let latest = stats.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    latest = Math.max(latest, newest(join(path, entry), depth + 1));
  }
  return latest;
}

/**
 * @param {string} path
 * @returns {number} {@link newest}, for `map`
 */
function newestOf(path) {
  return newest(path);
}

/**
 * @param {string} file
 * @returns {number} its modification time (ms), 0 when it does not exist
 */
function modified(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Makes this the only `gatehouse` building (two at once would write the same files): a lock folder holding the
 * builder's pid, taken over when that process is gone. Waits for another builder for LOCK_WAIT_MS at most.
 *
 * @returns {Promise<() => void>} releases the lock
 */
async function lock() {
  const dir = join(ROOT, 'node_modules', '.cache', 'gatehouse-build.lock');
  for (let waited = 0; waited <= LOCK_WAIT_MS; waited += LOCK_POLL_MS) {
    try {
      mkdirSync(dirname(dir), { recursive: true });
      mkdirSync(dir);
      writeFileSync(join(dir, 'pid'), String(process.pid));
      return () => rmSync(dir, { recursive: true, force: true });
    } catch (error) {
      const code = /** @type {NodeJS.ErrnoException} */ (error).code;
      if (code !== 'EEXIST') {
        // Another user's checkout (a service account running what root installed): it cannot build here.
        process.stderr.write(
          `gatehouse: the build is missing or older than its sources, and this user cannot build it (${code}): run npm run build as the owner of ${ROOT}\n`,
        );
        process.exit(1);
      }
    }
    if (!holderAlive(dir)) {
      rmSync(dir, { recursive: true, force: true });
      continue;
    }
    if (waited === 0)
      process.stderr.write('gatehouse: waiting for another gatehouse command to finish building…\n');
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
  process.stderr.write(`gatehouse: another build still holds ${dir}; remove it if no build runs\n`);
  process.exit(1);
}

/**
 * @param {string} dir the lock folder
 * @returns {boolean} false when the process that took it is gone (or never wrote its pid, long ago)
 */
function holderAlive(dir) {
  let pid;
  try {
    pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
  } catch {
    // Taken a moment ago, its pid not written yet; or left empty by a crash long ago.
    return Date.now() - modified(dir) < 10_000;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === 'EPERM';
  }
}
