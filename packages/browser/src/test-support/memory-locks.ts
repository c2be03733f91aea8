import type { LockManagerLike } from '../options.js';

interface Waiter {
  run: () => void;
  granted: boolean;
}

/**
 * An in-memory Web Locks manager shared by several SDK instances ("tabs") in one test, exclusive mode only,
 * with a gate so a test can hold grants back and decide when the next waiter gets the lock.
 */
export class MemoryLocks implements LockManagerLike {
  readonly #queues = new Map<string, Waiter[]>();
  readonly #held = new Set<string>();
  #paused = false;
  /** How many times a lock was granted. */
  grants = 0;
  /** How many times a lock was requested. */
  requests = 0;

  /** Requests waiting (not yet granted) for `name`. */
  waiting(name: string): number {
    return this.#queues.get(name)?.length ?? 0;
  }

  /** Stops granting locks until {@link resume}. */
  pause(): void {
    this.#paused = true;
  }

  /** While paused, grants the oldest waiter of `name` only (when the lock is free). */
  grantNext(name: string): void {
    if (!this.#held.has(name)) this.#queues.get(name)?.shift()?.run();
  }

  /** Grants again, starting with the oldest waiter. */
  resume(): void {
    this.#paused = false;
    for (const name of this.#queues.keys()) this.#pump(name);
  }

  request<T>(
    name: string,
    options: { mode?: 'exclusive'; signal?: AbortSignal },
    callback: (lock: unknown) => Promise<T>,
  ): Promise<T> {
    this.requests += 1;
    return new Promise<T>((resolve, reject) => {
      const { signal } = options;
      if (signal?.aborted) {
        reject(new DOMException('The lock request was aborted.', 'AbortError'));
        return;
      }
      const queue = this.#queues.get(name) ?? [];
      this.#queues.set(name, queue);
      const waiter: Waiter = {
        granted: false,
        run: () => {
          waiter.granted = true;
          this.grants += 1;
          this.#held.add(name);
          callback({ name, mode: 'exclusive' })
            .then(resolve, reject)
            .finally(() => {
              this.#held.delete(name);
              this.#pump(name);
            });
        },
      };
      // As in the Web Locks spec, aborting only withdraws a request that has not been granted yet.
      signal?.addEventListener('abort', () => {
        if (waiter.granted) return;
        const index = queue.indexOf(waiter);
        if (index >= 0) queue.splice(index, 1);
        reject(new DOMException('The lock request was aborted.', 'AbortError'));
      });
      queue.push(waiter);
      this.#pump(name);
    });
  }

  #pump(name: string): void {
    if (this.#paused || this.#held.has(name)) return;
    this.#queues.get(name)?.shift()?.run();
  }
}
