import { createRequire } from 'node:module';
import type * as NodePostgres from 'pg';

const require = createRequire(import.meta.url);

/**
 * node-postgres, loaded on the first call rather than when this package is: a start without DATABASE_URL never
 * needs it, and loading it cost ~90 ms and ~12 MB of resident memory per process (issue 15). A synchronous
 * `require` (node-postgres is CommonJS; its ESM entry re-exports these same objects), so that `openPostgres`
 * stays synchronous for its callers.
 */
export function loadNodePostgres(): typeof NodePostgres {
  return require('pg') as typeof NodePostgres;
}
