/**
 * Attempts under way per throttle key, in this process. The throttles count them as failures happening now, so
 * attempts sent all at once are throttled like attempts sent one after the other (the check itself awaits the
 * store and the hash, and without this every concurrent attempt passed before the first failure was recorded).
 */
export class InFlight {
  readonly #counts = new Map<string, number>();

  /** How many are under way on `key`. */
  count(key: string): number {
    return this.#counts.get(key) ?? 0;
  }

  /** Takes one on `key` (synchronously, before any await); returns how many others were under way. */
  hold(key: string): number {
    const others = this.count(key);
    this.#counts.set(key, others + 1);
    return others;
  }

  /** Gives back one taken with {@link InFlight.hold}. */
  release(key: string): void {
    const left = this.count(key) - 1;
    if (left > 0) this.#counts.set(key, left);
    else this.#counts.delete(key);
  }
}
