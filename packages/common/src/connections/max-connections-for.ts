/**
 * How many client connections a server accepts at once, given the process's descriptor limit: the rest is kept
 * for what the server itself opens (the SQLite database and its -wal/-shm, key files, log output, connections to
 * the provider), an eighth of the limit, between 64 and 1024. Past it Node closes new connections at once
 * (`server.maxConnections`), instead of every `accept()` failing with EMFILE while its own files and
 * outbound calls fail too.
 */
export function maxConnectionsFor(descriptorLimit: number): number {
  const reserve = Math.min(1024, Math.max(64, Math.floor(descriptorLimit / 8)));
  return Math.max(16, descriptorLimit - reserve);
}
