#!/usr/bin/env -S node --max-semi-space-size=2 --v8-pool-size=1 --max-old-space-size=512
// @ts-check
// The `gatehouse` command as npm links it (node_modules/.bin/gatehouse) and as `npm start` runs it. A committed
// file, not a build output, so that it exists as soon as `npm install` links it on a fresh clone: it builds
// what is missing or older than its sources (saying so in one line), then runs the built command.
import { fileURLToPath } from 'node:url';
import { checkSettingsFirst } from './check-settings-first.js';
import { defaultDataDir } from './default-data-dir.js';
import { ensureBuilt, neverBuilt } from './ensure-built.js';

const args = process.argv.slice(2);
const dataDir = defaultDataDir(process.env, fileURLToPath(new URL('../../../', import.meta.url)));
if (dataDir !== undefined) process.env.DATA_DIR = dataDir;
// On a fresh clone, before the first build: a bad setting is said at once, not after the build.
const refused = checkSettingsFirst(args, process.env, neverBuilt());
if (refused !== undefined) {
  process.stderr.write(`gatehouse start: ${refused}\n`);
  process.exit(1);
}
await ensureBuilt(args);
await import('../dist/bin.js');
