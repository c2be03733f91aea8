import { readFileSync } from 'node:fs';

/** This command's version: packages/cli/package.json's, read beside src/ or dist/ (both one level below it). */
export function cliVersion(): string {
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return version;
}
