import type { RunningAuthAlone } from './start-auth-alone.js';

/** Prints, in one write, what `gatehouse start auth` serves and how to add its users and clients. */
export function printAuthBanner(
  out: { write(chunk: string): unknown },
  auth: RunningAuthAlone,
  startupMs: number,
): void {
  out.write(
    [
      '',
      `  Gatehouse auth server is running (ready in ${startupMs} ms)`,
      '',
      `  Issuer:         ${auth.issuer}`,
      `  Discovery:      ${auth.issuer}/.well-known/openid-configuration`,
      '',
      '  Users and clients: npx gatehouse users add … and npx gatehouse clients add … (--help shows how).',
      '',
      '  Press Ctrl-C to stop.',
      '',
      '',
    ].join('\n'),
  );
}
