#!/usr/bin/env -S node --max-semi-space-size=2 --v8-pool-size=1 --max-old-space-size=512
import { main } from './main.js';

// `start` resolves only after a clean shutdown (SIGINT/SIGTERM); every other command when it is done.
process.exitCode = await main(process.argv.slice(2), {
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
});
