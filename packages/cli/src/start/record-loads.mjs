// @ts-check
// A test's preload (`node --import`, through NODE_OPTIONS so that the forked auth server has it too): records
// every module a process loads into the file RECORD_LOADS_FILE names, one `<pid>\t<url or path>` a line. ESM
// imports (and CommonJS packages imported from ESM) are seen by a resolve hook as they happen; CommonJS modules
// required from CommonJS (or through createRequire) are in require.cache, written when the process exits.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const file = process.env.RECORD_LOADS_FILE;
if (file === undefined || file === '') throw new Error('record-loads.mjs needs RECORD_LOADS_FILE');
register('./record-loads-hooks.mjs', import.meta.url, { data: { file } });
const cache = createRequire(import.meta.url).cache;
process.on('exit', () => {
  const lines = Object.keys(cache).map((path) => `${process.pid}\t${path}\n`);
  appendFileSync(file, lines.join(''));
});
