import autocannon from 'autocannon';

/** What one bounded load run against one URL measured. */
export interface LoadResult {
  /** Completed requests divided by the run's wall time. */
  requestsPerSecond: number;
  /** Latency percentiles in milliseconds, from autocannon's histogram. */
  p50Ms: number;
  p99Ms: number;
  /** Answers outside 2xx: must be zero for a run to count as valid. */
  non2xx: number;
  /** Socket errors and timeouts. */
  errors: number;
  /** Completed requests. */
  total: number;
}

/** One bounded load run: a URL, its headers, how many connections, for how long. */
export interface LoadOptions {
  url: string;
  /** `GET` unless given, with `body` for a POST. */
  method?: 'GET' | 'POST';
  body?: string;
  headers?: Record<string, string>;
  connections: number;
  durationSeconds: number;
}

/**
 * Runs autocannon (programmatic API) for a fixed duration. Bounded by `durationSeconds` and a per-request
 * timeout, so a stuck server ends the run instead of hanging the benchmark.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    method: options.method ?? 'GET',
    ...(options.body === undefined ? {} : { body: options.body }),
    headers: options.headers ?? {},
    connections: options.connections,
    duration: options.durationSeconds,
    timeout: 10,
  });
  const seconds = result.duration > 0 ? result.duration : options.durationSeconds;
  return {
    requestsPerSecond: result.requests.total / seconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    total: result.requests.total,
  };
}
