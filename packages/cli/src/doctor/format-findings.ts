import type { DoctorFinding, DoctorStatus } from '@gatehouse/api/doctor';

const LABEL: Readonly<Record<DoctorStatus, string>> = { ok: 'ok', warn: 'warn', fail: 'FAIL' };

/**
 * The report a person reads: one line per check (`ok`, `warn` or `FAIL`, the check, what was seen and, unless it
 * passed, the fix on the same line, so that each finding can be grepped whole), then a summary line.
 */
export function formatFindings(findings: readonly DoctorFinding[], heading: string | undefined): string {
  const width = Math.max(...findings.map((each) => each.check.length));
  const lines = heading === undefined ? [] : [heading];
  for (const each of findings) {
    const fix = each.fix === null ? '' : `. Fix: ${each.fix}`;
    lines.push(`${LABEL[each.status].padEnd(4)}  ${each.check.padEnd(width)}  ${each.message}${fix}`);
  }
  const count = (status: DoctorStatus) => findings.filter((each) => each.status === status).length;
  const failures = count('fail');
  const warnings = count('warn');
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  lines.push(
    `${plural(count('ok'), 'check')} ok, ${plural(warnings, 'warning')}, ${plural(failures, 'failure')}: ${
      failures === 0 ? 'sign-in can work' : 'sign-in cannot work until the failures are fixed'
    }.`,
  );
  return `${lines.join('\n')}\n`;
}
