import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
/**
 * AES-GCM tag length in bytes. Without `authTagLength`, Node's decipher accepts any tag of 4 to 16 bytes and
 * checks only that many bytes, so a truncated tag (NIST SP 800-38D 5.2.1.2: 32 bits is brute-forceable)
 * would still open; we only ever write 16.
 */
const TAG_BYTES = 16;

/** Stable codes for sealed-box failures. */
export type SealedBoxErrorCode = 'ERR_SEALED_BOX_KEY' | 'ERR_SEALED_BOX_OPEN';

/** A sealed value could not be opened: wrong key, wrong context, or tampered ciphertext. */
export class SealedBoxError extends Error {
  readonly code: SealedBoxErrorCode;
  constructor(code: SealedBoxErrorCode, message: string) {
    super(message);
    this.name = 'SealedBoxError';
    this.code = code;
  }
}

/**
 * Encrypts small secrets at rest (TOTP secrets, client secrets, provider ID tokens) with AES-256-GCM.
 * `context` is bound as additional authenticated data, so a value sealed for one row cannot be moved to
 * another (e.g. `totp:alice`). Output: `v1.<iv>.<ciphertext>.<tag>`, base64url.
 *
 * @example
 * const box = new SealedBox(readOrCreateFile(join(dir, 'secrets.key'), () => randomBytes(32)));
 * const sealed = box.seal('JBSWY3DPEHPK3PXP', 'totp:alice');
 * box.open(sealed, 'totp:alice'); // 'JBSWY3DPEHPK3PXP'
 */
export class SealedBox {
  readonly #key: Buffer;

  constructor(key: Uint8Array) {
    if (key.byteLength !== 32)
      throw new SealedBoxError('ERR_SEALED_BOX_KEY', 'sealed box key must be 32 bytes');
    this.#key = Buffer.from(key);
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      VERSION,
      iv.toString('base64url'),
      ciphertext.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
    ].join('.');
  }

  open(sealed: string, context: string): string {
    const [version, iv, ciphertext, tag] = sealed.split('.');
    if (version !== VERSION || iv === undefined || ciphertext === undefined || tag === undefined) {
      throw new SealedBoxError('ERR_SEALED_BOX_OPEN', 'not a sealed value');
    }
    const tagBytes = Buffer.from(tag, 'base64url');
    if (tagBytes.byteLength !== TAG_BYTES) {
      throw new SealedBoxError('ERR_SEALED_BOX_OPEN', 'sealed value could not be opened (bad tag length)');
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(tagBytes);
      return Buffer.concat([
        decipher.update(Buffer.from(ciphertext, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new SealedBoxError(
        'ERR_SEALED_BOX_OPEN',
        'sealed value could not be opened (wrong key or tampered)',
      );
    }
  }
}
