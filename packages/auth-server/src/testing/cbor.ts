/** A CBOR value this encoder writes (RFC 8949): what WebAuthn's attestation objects and COSE keys need. */
export type CborValue =
  | number
  | string
  | Uint8Array
  | Map<number | string, CborValue>
  | { readonly [key: string]: CborValue };

/**
 * Encodes `value` as CBOR (RFC 8949, preferred serialisation): integers, text, byte strings and maps, keys in the
 * order given. Enough to build a WebAuthn attestation object and a COSE public key in tests and the bench.
 */
export function encodeCbor(value: CborValue): Uint8Array {
  const out: number[] = [];
  write(value, out);
  return Uint8Array.from(out);
}

function head(major: number, length: number, out: number[]): void {
  if (length < 24) out.push((major << 5) | length);
  else if (length < 0x100) out.push((major << 5) | 24, length);
  else if (length < 0x10000) out.push((major << 5) | 25, length >> 8, length & 0xff);
  else
    out.push(
      (major << 5) | 26,
      (length >>> 24) & 0xff,
      (length >> 16) & 0xff,
      (length >> 8) & 0xff,
      length & 0xff,
    );
}

function write(value: CborValue, out: number[]): void {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || Math.abs(value) > 0xffffffff) throw new Error('only 32-bit integers');
    if (value >= 0) head(0, value, out);
    else head(1, -1 - value, out);
  } else if (typeof value === 'string') {
    const bytes = new TextEncoder().encode(value);
    head(3, bytes.length, out);
    out.push(...bytes);
  } else if (value instanceof Uint8Array) {
    head(2, value.length, out);
    out.push(...value);
  } else {
    const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
    head(5, entries.length, out);
    for (const [key, item] of entries) {
      write(key, out);
      write(item, out);
    }
  }
}
