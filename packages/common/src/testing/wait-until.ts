/**
 * Waits until `condition()` holds, checking every 20 ms, for at most `limitMs`; resolves to whether it held.
 * For what a test cannot await directly (a server closing sockets, a log line arriving); never a timing
 * assertion: the bound only keeps a broken run from hanging.
 */
export async function waitUntil(condition: () => boolean, limitMs = 10_000): Promise<boolean> {
  for (let waited = 0; waited < limitMs && !condition(); waited += 20) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return condition();
}
