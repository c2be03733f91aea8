interface Slot<V> {
  value: V;
  /** Insertion count when the entry was last (re)inserted: its place in the Map's order. */
  stamp: number;
}

/**
 * A small least-recently-used cache on a Map (insertion order = recency). Bounded, so a flood of distinct
 * tokens cannot grow memory. A hit moves its entry to the young end only once it has drifted past half the
 * bound: an entry that keeps being read never reaches the eviction end, yet the common hit (a token read
 * over and over) costs one lookup and one comparison instead of a Map delete and insert per request.
 */
export class LruCache<K, V> {
  readonly #max: number;
  readonly #map = new Map<K, Slot<V>>();
  #inserted = 0;

  constructor(max: number) {
    this.#max = max;
  }

  get(key: K): V | undefined {
    const slot = this.#map.get(key);
    if (slot === undefined) return undefined;
    // More than half the bound inserted since: this entry is in the older half, move it to the young end.
    if (this.#inserted - slot.stamp > this.#max / 2) {
      this.#map.delete(key);
      slot.stamp = ++this.#inserted;
      this.#map.set(key, slot);
    }
    return slot.value;
  }

  set(key: K, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, { value, stamp: ++this.#inserted });
    if (this.#map.size > this.#max) {
      const oldest = this.#map.keys().next();
      if (oldest.done !== true) this.#map.delete(oldest.value);
    }
  }

  delete(key: K): void {
    this.#map.delete(key);
  }

  get size(): number {
    return this.#map.size;
  }
}
