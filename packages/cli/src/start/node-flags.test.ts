import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVER_NODE_FLAGS } from './node-flags.js';

// The flags are spelled in four places a process can take them from; these keep the copies equal.
describe('SERVER_NODE_FLAGS', () => {
  const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

  it('are in the shebang of the gatehouse bin npm links, and of the built entry point it runs', () => {
    for (const file of ['../../bin/gatehouse.js', '../bin.ts']) {
      expect(read(file).split('\n')[0], file).toBe(`#!/usr/bin/env -S node ${SERVER_NODE_FLAGS.join(' ')}`);
    }
  });

  it('are in the root npm start script, which runs the committed bin', () => {
    const { scripts } = JSON.parse(read('../../../../package.json')) as { scripts: Record<string, string> };
    expect(scripts.start).toBe(`node ${SERVER_NODE_FLAGS.join(' ')} packages/cli/bin/gatehouse.js start`);
  });
});
