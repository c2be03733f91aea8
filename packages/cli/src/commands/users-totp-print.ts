import { totpUri } from '@gatehouse/auth-server';
import { otpauthQr } from '../otpauth-qr.js';

/**
 * Prints a TOTP secret and its otpauth:// URI, and a QR code to scan with an authenticator app when a person
 * reads a terminal (`out.isTTY`): the code is drawn with escape codes that would be junk in a file or a pipe.
 */
export async function printTotp(
  out: { write(chunk: string): unknown; readonly isTTY?: boolean },
  username: string,
  secret: string,
): Promise<void> {
  const uri = totpUri(secret, username, 'Gatehouse');
  const qr = out.isTTY === true ? await otpauthQr(uri) : '';
  out.write(`TOTP secret for ${username}: ${secret}\n${uri}\n${qr}\n`);
}
