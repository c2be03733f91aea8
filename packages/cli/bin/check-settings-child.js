// @ts-check
// Run by bin/check-settings-first.js as `node --import ./register-source-hooks.js check-settings-child.js [api|auth]`:
// checks the start's settings from the sources. Exit 0: they are valid (or this could not tell: the start then
// checks them itself); exit 1 with the one line on standard error: a setting is wrong.
const mode = process.argv[2] === 'api' || process.argv[2] === 'auth' ? process.argv[2] : undefined;
try {
  const entry = new URL('../src/start/check-start-settings.ts', import.meta.url).href;
  const { checkStartSettings } =
    /** @type {{ checkStartSettings: (env: NodeJS.ProcessEnv, mode: 'api' | 'auth' | undefined) => Promise<void> }} */ (
      await import(entry)
    );
  await checkStartSettings(process.env, mode);
} catch (error) {
  if (error instanceof Error && error.name === 'ConfigError') {
    process.stderr.write(`${error.message.split('\n', 1)[0]}\n`);
    process.exit(1);
  }
}
