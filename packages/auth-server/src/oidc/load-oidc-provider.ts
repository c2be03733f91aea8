import { stripVTControlCharacters } from 'node:util';
import type { Logger } from '@gatehouse/common';

const WARNING_PREFIX = 'oidc-provider WARNING: ';

/**
 * Loads oidc-provider. Its module prints `oidc-provider WARNING: Unsupported runtime …` on standard error when it
 * is loaded on a Node.js release its authors do not support (Node 20 LTS: it runs, and every test passes there).
 * That line goes to the log instead, as a warning, so that standard error carries only what a person must act
 * on: a failed start is one line there, and this was a second.
 */
export async function loadOidcProvider(logger: Logger): Promise<typeof import('oidc-provider')> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    const [first] = args;
    if (typeof first === 'string' && first.includes(WARNING_PREFIX)) {
      // It colours the line when standard error is a terminal.
      const text = stripVTControlCharacters(first).replace(WARNING_PREFIX, 'oidc-provider: ');
      logger.warn({ event: 'oidc_provider_warning' }, text);
      return;
    }
    warn(...args);
  };
  try {
    return await import('oidc-provider');
  } finally {
    console.warn = warn;
  }
}
