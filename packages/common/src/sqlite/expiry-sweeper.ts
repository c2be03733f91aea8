/**
 * Runs `sweep` every `intervalMs` (unref'd, so it never keeps the process alive) and once at start.
 * Errors go to `onError` and the timer keeps running. Returns a function that stops it.
 */
export function startExpirySweeper(
  sweep: () => void,
  intervalMs: number,
  onError: (error: unknown) => void,
): () => void {
  const run = () => {
    try {
      sweep();
    } catch (error) {
      onError(error);
    }
  };
  run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
