import { type AuditEvent, type AuditEventName, openAuditLog } from '@gatehouse/common';
import type { CommandContext } from '../command.js';

/**
 * Appends the audit line of a change made with the CLI to AUDIT_LOG (when set): `admin.<command>.<subcommand>`
 * (`admin.users.add`) with the user or client it named, and any further event the change is (`key.rotated`).
 * Never a password, secret or TOTP seed: those come from standard input and none of them is passed here.
 */
export function auditAdminChange(
  context: CommandContext,
  path: string,
  operand: string,
  also: readonly AuditEventName[] = [],
  target?: string,
): void {
  const audit = openAuditLog(context.env.AUDIT_LOG);
  try {
    const [command] = path.split(' ');
    const named: Partial<AuditEvent> =
      operand === ''
        ? {}
        : command === 'clients'
          ? { client: operand }
          : command === 'sessions'
            ? { session: operand }
            : { user: operand };
    for (const event of [`admin.${path.replace(/ /g, '.')}` as const, ...also]) {
      audit.write({ event, outcome: 'success', ...named, target, address: 'cli' });
    }
  } finally {
    audit.close();
  }
}
