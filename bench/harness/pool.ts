/**
 * Runs `worker(index)` for indexes 0..count-1 with at most `concurrency` in flight, in index order, and
 * resolves with the results in index order. Rejects on the first failure after in-flight work settles.
 */
export async function mapPool<T>(
  count: number,
  concurrency: number,
  worker: (index: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) {
      const index = next;
      next += 1;
      results[index] = await worker(index);
    }
  });
  await Promise.all(lanes);
  return results;
}
