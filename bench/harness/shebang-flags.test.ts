import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseShebangNodeFlags, shebangNodeFlags } from './shebang-flags.js';

describe('parseShebangNodeFlags', () => {
  it.each([
    ['#!/usr/bin/env node', []],
    ['#!/usr/bin/env -S node --max-semi-space-size=2', ['--max-semi-space-size=2']],
    ['#!/usr/bin/env -S node --a=1  --b', ['--a=1', '--b']],
    ['#!/usr/local/bin/node --a', ['--a']],
    ['#!/bin/sh', []],
    ['import x from "y";', []],
  ])('%s', (line, flags) => {
    expect(parseShebangNodeFlags(line)).toEqual(flags);
  });

  it('reads the gatehouse bin (its flags are what `gatehouse start` runs with)', () => {
    const bin = fileURLToPath(new URL('../../packages/cli/src/bin.ts', import.meta.url));
    expect(shebangNodeFlags(bin)).toContain('--max-semi-space-size=2');
  });
});
