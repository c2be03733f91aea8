/**
 * True when logs should be pretty, one readable line per event: a person is watching (standard output is a
 * terminal) and this is not production. Everywhere else (a pipe, a file, a log collector, and always with
 * `NODE_ENV=production`) logs are JSON lines, one object per event.
 */
export function wantsPrettyLogs(
  env: Readonly<Record<string, string | undefined>>,
  stdout: { readonly isTTY?: boolean },
): boolean {
  return stdout.isTTY === true && env.NODE_ENV?.trim() !== 'production';
}
