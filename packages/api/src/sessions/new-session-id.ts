import { randomToken } from '@gatehouse/common';

const MAX_DRAWS = 16;

/**
 * A new session id: 128 random bits in base64url, never starting with `-`, so that the id `gatehouse sessions
 * list` shows is taken as an id by `gatehouse sessions revoke <id>`, not as an option (one id in 64 started so).
 */
export function newSessionId(): string {
  for (let draw = 0; draw < MAX_DRAWS; draw += 1) {
    const id = randomToken(16);
    if (!id.startsWith('-')) return id;
  }
  // 16 draws in a row starting with `-`: a chance of 2^-96, i.e. a broken random source.
  throw new Error('no session id without a leading "-" in 16 draws');
}
