/** JWS algorithms the provider can sign ID tokens with. RS256 is the default (every relying party accepts it). */
export const SIGNING_ALGORITHMS = ['RS256', 'PS256', 'ES256'] as const;

/** One of {@link SIGNING_ALGORITHMS}. */
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/** True when `value` names a supported signing algorithm. */
export function isSigningAlgorithm(value: string): value is SigningAlgorithm {
  return (SIGNING_ALGORITHMS as readonly string[]).includes(value);
}
