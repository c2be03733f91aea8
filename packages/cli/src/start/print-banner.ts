import { otpauthQr } from '../otpauth-qr.js';
import type { RunningStack } from './start-stack.js';

/** The command that sets a user's password, as a person types it (the password on standard input, never argv). */
const RESET_PASSWORD = "printf '%s' 'a new passphrase' | npx gatehouse users passwd alice --password-stdin";
// Users from an earlier start may be anyone's (`gatehouse users add`), not the demo's alice: list them first.
const RESET_EARLIER_PASSWORD =
  "printf '%s' 'a new passphrase' | npx gatehouse users passwd <username> --password-stdin";

/**
 * Prints, in one write (so no log line lands inside it), where to go and, on a first start, the demo
 * credentials (shown this once only), or, when users exist already, how to set a password: each TOTP secret as text and as an otpauth:// URI, and as a QR code only
 * when a person reads a terminal (`out.isTTY`), never escape codes into a file or a pipe. While the provider
 * does not answer, it says Gatehouse is waiting for it, not that it runs: /readyz answers 503 meanwhile.
 */
export async function printBanner(
  out: { write(chunk: string): unknown; readonly isTTY?: boolean },
  stack: RunningStack,
  startupMs: number,
): Promise<void> {
  const running = stack.providerReady;
  const lines = [
    '',
    running
      ? `  Gatehouse is running (ready in ${startupMs} ms)`
      : `  Gatehouse is up and waiting for its OpenID Provider (up in ${startupMs} ms)`,
    '',
    `  Open the app:   ${stack.apiUrl}/`,
    stack.embedded ? `  Auth server:    ${stack.issuer} (embedded)` : `  Provider:       ${stack.issuer}`,
  ];
  // The gateway takes every /api/ path the API does not answer itself: say where those requests go.
  if (stack.upstreamUrl !== undefined)
    lines.push(`  Gateway:        ${stack.apiUrl}/api/… → ${stack.upstreamUrl}`);
  if (!running) {
    lines.push(
      '',
      `  The provider at ${stack.issuer} does not answer yet (the log says why); Gatehouse keeps trying.`,
      '  Until it answers, sign-in and /readyz answer 503.',
    );
  }
  if (stack.spaDir === undefined) {
    lines.push('', '  The SPA is not built: run `npm run build` (npm start does it for you).');
  }
  if (stack.earlierUsers) {
    // Their passwords were shown by the start that created them, if it got that far: say how to set a new one.
    lines.push(
      '',
      '  Users exist from an earlier start; their passwords are not shown again. To see them and set a new one:',
      '    npx gatehouse users list',
      `    ${RESET_EARLIER_PASSWORD}`,
    );
  }
  if (stack.demoUsers.length > 0) {
    lines.push(
      '',
      '  Demo users (created now, shown this once: keep them). To set a new password later:',
      `    ${RESET_PASSWORD}`,
    );
    for (const user of stack.demoUsers) {
      lines.push(
        '',
        `    ${user.username.padEnd(6)} password: ${user.password}${user.totpSecret ? `   TOTP secret: ${user.totpSecret}` : ''}`,
      );
      if (user.otpauthUri) {
        lines.push(`           add it to an authenticator app: ${user.otpauthUri}`);
        if (out.isTTY === true) lines.push((await otpauthQr(user.otpauthUri, 11)).trimEnd());
      }
    }
  }
  lines.push('', '  Press Ctrl-C to stop.', '', '');
  out.write(lines.join('\n'));
}
