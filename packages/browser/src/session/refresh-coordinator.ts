import { API_ROUTES } from '@gatehouse/contract';
import { GatehouseError } from '../gatehouse-error.js';
import { type ApiClient, errorFromAnswer } from '../http/api-client.js';
import { parseTokenAnswer } from '../http/parse-answers.js';
import type { LockManagerLike } from '../options.js';
import type { Session, SessionStore } from './session-store.js';

/** The name every tab of the origin locks before spending the refresh cookie. */
export const REFRESH_LOCK = 'gatehouse:refresh';

/** What the coordinator needs. */
export interface RefreshCoordinatorDeps {
  api: ApiClient;
  store: SessionStore;
  locks: LockManagerLike | null;
  now: () => number;
  /** Stores a fresh token answer and tells the other tabs. */
  accept(accessToken: string, expiresIn: number, user: Session['user']): Session;
}

/** Refreshes the session: single-flight within the tab, serialized across tabs. */
export interface RefreshCoordinator {
  /** Resolves to the new (or another tab's fresher) session, or `null` when there is no session. */
  refresh(): Promise<Session | null>;
  /** Runs `task` while holding the cross-tab refresh lock (logout uses it so it never races a refresh). */
  exclusive<T>(task: () => Promise<T>): Promise<T>;
}

/**
 * The refresh cookie rotates on every use and the API revokes the whole session when one is used twice
 * (RFC 9700 4.14.2). Two tabs refreshing at once would each send the same cookie, so:
 * - within a tab, concurrent callers share one promise (single flight);
 * - across tabs, the request runs under the Web Lock {@link REFRESH_LOCK}, so the second tab sends the cookie
 *   the first one's answer rotated in, never the spent one;
 * - a tab that waited first checks whether another tab's fresh token arrived over the channel (it then
 *   reuses it and does not spend a cookie at all); such a token also cancels its pending lock request.
 */
export function createRefreshCoordinator(deps: RefreshCoordinatorDeps): RefreshCoordinator {
  const { api, store, locks, now } = deps;
  let inflight: Promise<Session | null> | null = null;

  const exclusive = <T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> =>
    locks
      ? locks.request(REFRESH_LOCK, signal ? { mode: 'exclusive', signal } : { mode: 'exclusive' }, task)
      : task();

  async function spend(epoch: number): Promise<Session | null> {
    const answer = await api({ method: 'POST', path: API_ROUTES.refresh });
    // A sign-out (here or in another tab) while the request was in flight wins: the API revoked the session.
    if (store.epoch !== epoch) return null;
    if (answer.status === 200) {
      const parsed = parseTokenAnswer(answer.body);
      if (!parsed) throw new GatehouseError('refresh_failed', 'The server sent an unreadable session.');
      return deps.accept(parsed.accessToken, parsed.expiresIn, parsed.user);
    }
    if (answer.status === 204 || answer.status === 400 || answer.status === 401) {
      // No cookie, expired, revoked or reused: the session is over on the server. (204 lets an API say
      // "no session" on a page load without the browser logging a failed request in the console.)
      store.clear();
      return null;
    }
    throw errorFromAnswer('refresh_failed', 'The session could not be refreshed.', answer);
  }

  async function run(startVersion: number, epoch: number): Promise<Session | null> {
    const fresher = (): Session | null => {
      const session = store.session;
      return session && session.version !== startVersion && now() < session.refreshAt ? session : null;
    };
    const controller = new AbortController();
    const unsubscribe = store.subscribe(() => {
      if (fresher() || store.epoch !== epoch) controller.abort();
    });
    try {
      return await exclusive(async () => {
        if (store.epoch !== epoch) return null;
        return fresher() ?? (await spend(epoch));
      }, controller.signal);
    } catch (error) {
      if (!controller.signal.aborted) throw error;
      return store.epoch === epoch ? fresher() : null;
    } finally {
      unsubscribe();
    }
  }

  return {
    refresh() {
      if (!inflight) {
        inflight = run(store.version, store.epoch).finally(() => {
          inflight = null;
        });
      }
      return inflight;
    },
    exclusive: (task) => exclusive(task),
  };
}
