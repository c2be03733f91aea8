import type { HistoryLike, LocationLike, StorageLike, TimersLike } from '../options.js';

/** A `Storage` that remembers every value ever written, to prove no token reaches web storage. */
export class RecordingStorage implements StorageLike {
  readonly #items = new Map<string, string>();
  /** Every `setItem` value, in order, even those later removed. */
  readonly written: string[] = [];

  get length(): number {
    return this.#items.size;
  }

  getItem(key: string): string | null {
    return this.#items.get(key) ?? null;
  }

  setItem(key: string, value: string): void {
    this.written.push(`${key}=${value}`);
    this.#items.set(key, String(value));
  }

  removeItem(key: string): void {
    this.#items.delete(key);
  }

  clear(): void {
    this.#items.clear();
  }

  key(index: number): string | null {
    return [...this.#items.keys()][index] ?? null;
  }
}

/** A tab's `location` and `history`: `assign` records navigations, `replaceState` rewrites the address bar. */
export class FakeTab implements LocationLike, HistoryLike {
  href: string;
  state: unknown = null;
  readonly assigned: string[] = [];
  readonly replaced: string[] = [];

  constructor(href: string) {
    this.href = href;
  }

  assign(url: string): void {
    this.assigned.push(url);
  }

  replaceState(data: unknown, _unused: string, url?: string | URL | null): void {
    this.state = data;
    if (url !== undefined && url !== null) {
      this.href = new URL(url, this.href).href;
      this.replaced.push(this.href);
    }
  }
}

/** Timers the test fires by hand, so the refresh schedule is tested without waiting. */
export class ManualTimers implements TimersLike {
  readonly pending = new Map<number, { callback: () => void; delayMs: number }>();
  #next = 1;

  set(callback: () => void, delayMs: number): unknown {
    const id = this.#next++;
    this.pending.set(id, { callback, delayMs });
    return id;
  }

  clear(handle: unknown): void {
    if (typeof handle === 'number') this.pending.delete(handle);
  }

  /** Runs every pending timer once. */
  fireAll(): void {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const { callback } of due) callback();
  }
}

/** A clock the test moves by hand. */
export class FakeClock {
  current: number;

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  readonly now = (): number => this.current;

  advance(ms: number): void {
    this.current += ms;
  }
}
