/**
 * An `otpauth://` URI as a QR code drawn in text, for an authenticator app to scan off the terminal, each line
 * indented by `indent` spaces. Shared by `gatehouse start` (the demo users) and `gatehouse users` (--totp).
 * qrcode is loaded only when a code is drawn, not on every start.
 */
export async function otpauthQr(uri: string, indent = 0): Promise<string> {
  const QRCode = await import('qrcode');
  const qr = await QRCode.toString(uri, { type: 'terminal', small: true });
  const pad = ' '.repeat(indent);
  return qr
    .split('\n')
    .map((line) => (line === '' ? line : pad + line))
    .join('\n');
}
