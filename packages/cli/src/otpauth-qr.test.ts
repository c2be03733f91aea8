import { describe, expect, it } from 'vitest';
import { otpauthQr } from './otpauth-qr.js';

describe('otpauthQr', () => {
  const uri = 'otpauth://totp/Gatehouse:alice?secret=JBSWY3DPEHPK3PXP&issuer=Gatehouse';

  it('draws the same code indented by the given number of spaces', async () => {
    const flush = await otpauthQr(uri);
    const indented = await otpauthQr(uri, 11);
    expect(flush.trim()).not.toBe('');
    expect(indented.split('\n')).toEqual(
      flush.split('\n').map((line) => (line === '' ? '' : `${' '.repeat(11)}${line}`)),
    );
  });
});
