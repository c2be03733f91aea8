import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Where the built demo SPA lives in this repository (`packages/spa/dist`), or undefined when it has not been
 * built. `SPA_DIR` overrides it.
 */
export function defaultSpaDir(): string | undefined {
  // This file is packages/cli/{src,dist}/start/spa-dir.*: the SPA is three levels up.
  const dir = fileURLToPath(new URL('../../../spa/dist/', import.meta.url));
  return existsSync(`${dir}index.html`) ? dir : undefined;
}
