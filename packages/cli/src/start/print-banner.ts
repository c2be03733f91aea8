import { otpauthQr } from '../otpauth-qr.js';
import type { RunningStack } from './start-stack.js';

/** Prints where to go and, on a first start, the demo credentials (shown this once only). */
export async function printBanner(
  out: { write(chunk: string): unknown },
  stack: RunningStack,
  startupMs: number,
): Promise<void> {
  const lines = [
    '',
    `  Gatehouse is running (ready in ${startupMs} ms)`,
    '',
    `  Open the app:   ${stack.apiUrl}/`,
    `  API:            ${stack.apiUrl}/api`,
    stack.embedded ? `  Auth server:    ${stack.issuer} (embedded)` : `  Provider:       ${stack.issuer}`,
  ];
  if (stack.spaDir === undefined) {
    lines.push('', '  The SPA is not built: run `npm run build` (npm start does it for you).');
  }
  out.write(`${lines.join('\n')}\n`);

  if (stack.demoUsers.length > 0) {
    out.write(
      '\n  Demo users (created now, shown once — keep them; reset with `npx gatehouse users passwd <user> --password-stdin`):\n',
    );
    for (const user of stack.demoUsers) {
      out.write(
        `\n    ${user.username.padEnd(6)} password: ${user.password}${user.totpSecret ? `   TOTP secret: ${user.totpSecret}` : ''}\n`,
      );
      if (user.otpauthUri) {
        out.write(`           add it to an authenticator app: ${user.otpauthUri}\n`);
        out.write(await otpauthQr(user.otpauthUri, 11));
      }
    }
  }
  out.write('\n  Press Ctrl-C to stop.\n\n');
}
