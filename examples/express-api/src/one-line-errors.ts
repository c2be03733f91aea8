// A setting that cannot work (OIDC_ISSUER missing, PORT in use, …) is one line naming it, exit 1, as for
// `gatehouse start`: not a stack trace. Imported first, so it covers the whole start.
process.on('uncaughtException', (error: Error & { code?: string; syscall?: string }) => {
  const known = error.name === 'ConfigError' || error.syscall === 'listen';
  process.stderr.write(`${known ? error.message : (error.stack ?? String(error))}\n`);
  process.exit(1);
});
