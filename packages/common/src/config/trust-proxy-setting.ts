import { z } from 'zod';
import { TrustedProxies } from '../net/trusted-proxies.js';

/**
 * The zod schema of `API_TRUST_PROXY` and `AUTH_TRUST_PROXY` (one shape for both servers): `false` by default,
 * `true`, or the proxy's addresses and CIDR ranges; read into {@link TrustedProxies}. A bad value fails the start
 * with one line naming the variable, as every setting does.
 *
 * @example
 * parseEnv(z.object({ API_TRUST_PROXY: trustProxySetting }), { API_TRUST_PROXY: '10.0.0.0/8' });
 */
export const trustProxySetting = z
  .string()
  .default('false')
  .transform((text, ctx) => {
    try {
      return TrustedProxies.parse(text);
    } catch (error) {
      ctx.issues.push({ code: 'custom', message: (error as Error).message, input: text });
      return z.NEVER;
    }
  });
