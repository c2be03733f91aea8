import { createRequire } from 'node:module';
import type * as PromClient from 'prom-client';

const require = createRequire(import.meta.url);

/**
 * prom-client, loaded on the first call rather than when this package is: with METRICS=off nothing of it is
 * needed, and loading it (with the `@opentelemetry/api` it requires) cost ~65 ms and ~10 MB of resident memory
 * per process (issue 15). A synchronous `require` (prom-client is CommonJS), so that the metrics' constructors
 * stay synchronous for their callers.
 */
export function loadPromClient(): typeof PromClient {
  return require('prom-client') as typeof PromClient;
}
