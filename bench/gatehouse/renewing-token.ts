import { decodeJwt } from 'jose';
import type { Credentials, GatehouseClient } from './gatehouse-client.js';

/**
 * One access token of an app for a whole measurement: the first call signs `user` in through `client`, later
 * ones return the same token, renewed through `/api/refresh` only when it would expire within 30 s (every
 * target of a comparison then sends the same bearer, from the verified-token cache's point of view too).
 */
export function renewingToken(client: GatehouseClient, user: Credentials): () => Promise<string> {
  let token: string | undefined;
  return async () => {
    if (token === undefined) token = (await client.signIn(user)).tokens.access_token;
    else if ((decodeJwt(token).exp ?? 0) * 1000 - Date.now() < 30_000)
      token = (await client.refresh()).access_token;
    return token;
  };
}
