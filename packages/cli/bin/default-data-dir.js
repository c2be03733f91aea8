// @ts-check
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The DATA_DIR every `gatehouse` command uses when none is set: in a checkout of this repository, `.data` at its
 * top, whichever folder the command runs from (`npx gatehouse users list` in packages/api once used an empty
 * packages/api/.data, beside the store `npm start` had filled); elsewhere (an installed package), `.data` in the
 * working folder, as before. A DATA_DIR that is set is left as it is.
 *
 * @param {Readonly<Record<string, string | undefined>>} env
 * @param {string} root the folder two levels above packages/cli/bin
 * @returns {string | undefined} the folder to use, or undefined to leave DATA_DIR as it is
 */
export function defaultDataDir(env, root) {
  if (env.DATA_DIR !== undefined && env.DATA_DIR.trim() !== '') return undefined;
  try {
    const manifest = /** @type {{ name?: unknown }} */ (
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
    );
    return manifest.name === 'gatehouse' ? join(root, '.data') : undefined;
  } catch {
    return undefined;
  }
}
