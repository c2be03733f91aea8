import { readFileSync } from 'node:fs';

/**
 * The node options in a script's shebang (`#!/usr/bin/env -S node --flag …` gives `['--flag', …]`), so the
 * bench runs `node <flags> bin.js` exactly as executing the installed `gatehouse` command would.
 */
export function shebangNodeFlags(script: string): string[] {
  const first = readFileSync(script, 'utf8').split('\n', 1)[0] ?? '';
  return parseShebangNodeFlags(first);
}

/** {@link shebangNodeFlags} for one line; none when the line is not a node shebang. */
export function parseShebangNodeFlags(line: string): string[] {
  const match = /^#!\s*(?:\/usr\/bin\/env\s+(?:-S\s+)?)?(?:\S*\/)?node(?:\s+(.*))?$/.exec(line.trim());
  return (match?.[1] ?? '').split(/\s+/).filter(Boolean);
}
