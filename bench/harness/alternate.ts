/** One contender in an alternating comparison: a name and how to run one bounded round of given length. */
export interface Contender<T> {
  name: string;
  run: (seconds: number) => Promise<T>;
}

/** Rounds to alternate, the length of each, and an unrecorded warm-up per contender before the first. */
export interface AlternateOptions<T> {
  rounds: number;
  roundSeconds: number;
  warmUpSeconds: number;
  onRound?: (round: number, name: string, result: T) => void;
}

/**
 * Runs contenders round-robin (A B C A B C …) and returns every recorded result per contender. Interleaving
 * spreads slow drift of a shared machine (other processes, JIT, GC of the load generator) over all contenders
 * instead of penalising whichever ran last; callers then compare medians, not single runs.
 */
export async function runAlternating<T>(
  contenders: readonly Contender<T>[],
  options: AlternateOptions<T>,
): Promise<Map<string, T[]>> {
  const results = new Map<string, T[]>(contenders.map((contender) => [contender.name, []]));
  if (options.warmUpSeconds > 0) {
    for (const contender of contenders) await contender.run(options.warmUpSeconds);
  }
  for (let round = 1; round <= options.rounds; round += 1) {
    for (const contender of contenders) {
      const result = await contender.run(options.roundSeconds);
      results.get(contender.name)?.push(result);
      options.onRound?.(round, contender.name, result);
    }
  }
  return results;
}
