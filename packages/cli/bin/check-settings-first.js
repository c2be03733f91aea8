// @ts-check
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./check-settings-child.js', import.meta.url));
const HOOKS = fileURLToPath(new URL('./register-source-hooks.js', import.meta.url));

/**
 * `gatehouse start [api|auth]` on a fresh clone (nothing built yet): its settings are checked from the sources
 * before the first build, so that a bad one (`PORT=abc`) is its one line within a second or two, not after the
 * build. Only then: it costs about 2.5 s of CPU (TypeScript and the modules the settings use, transpiled), so a
 * start after a source change builds first and checks after, as every start does. The check is the start's own (`src/start/check-start-settings.ts`), run in a child process
 * whose modules are the TypeScript sources transpiled as they load (bin/source-hooks.js). Without TypeScript (a
 * production install, which does not build) or when the check cannot run, nothing is said here: the start checks
 * its settings itself, as always.
 *
 * @param {readonly string[]} args the command's arguments
 * @param {NodeJS.ProcessEnv} env
 * @param {boolean} neverBuilt nothing is built yet
 * @returns {string | undefined} the line that says what is wrong, or undefined
 */
export function checkSettingsFirst(args, env, neverBuilt) {
  const [command, mode, extra] = args;
  if (!neverBuilt || command !== 'start' || extra !== undefined) return undefined;
  if (mode !== undefined && mode !== 'api' && mode !== 'auth') return undefined;
  if (args.some((arg) => arg === '--help' || arg === '-h' || arg === '--version')) return undefined;
  try {
    createRequire(import.meta.url).resolve('typescript');
  } catch {
    return undefined;
  }
  const result = spawnSync(process.execPath, ['--import', HOOKS, CHILD, mode ?? ''], {
    env,
    encoding: 'utf8',
    timeout: 60_000,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const line = result.stderr?.trim() ?? '';
  return result.status === 1 && line !== '' && !line.includes('\n') ? line : undefined;
}
