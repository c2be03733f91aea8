import { totpUri } from '@gatehouse/auth-server';
import { otpauthQr } from '../otpauth-qr.js';

/** Prints a TOTP secret, its otpauth:// URI and a terminal QR code to scan with an authenticator app. */
export async function printTotp(
  out: { write(chunk: string): unknown },
  username: string,
  secret: string,
): Promise<void> {
  const uri = totpUri(secret, username, 'Gatehouse');
  out.write(`TOTP secret for ${username}: ${secret}\n${uri}\n${await otpauthQr(uri)}\n`);
}
