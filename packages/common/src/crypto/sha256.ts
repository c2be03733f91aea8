import { createHash } from 'node:crypto';

/** SHA-256 of a string, base64url: how opaque tokens are stored, so a leaked table holds no usable token. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}
