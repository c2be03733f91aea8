import { type RunningApi, type StartApiOptions, startApi } from '@gatehouse/api';
import { createLogger } from '@gatehouse/common';
import { contactsRoutes } from './contacts/contacts-routes.js';
import type { ContactsStore } from './contacts/contacts-store.js';
import { openContactsStore } from './contacts/open-contacts-store.js';

/** What {@link startDemo} runs: the API's options, and another contacts store for tests. */
export interface StartDemoOptions extends Omit<StartApiOptions, 'routes'> {
  /** By default PostgreSQL with DATABASE_URL, else the SQLite store in `DATA_DIR/demo/contacts.sqlite`. */
  contacts?: ContactsStore;
}

/**
 * The demo's API, as `npm start` runs it: `startApi` (Gatehouse's routes, `/healthz`, `/readyz`, the built
 * SPA) with the demo's contacts as the app's own routes, guarded by the `gatehouse` plugin, their data in
 * tables of their own: in DATABASE_URL's database when set, else a database under `DATA_DIR/demo`.
 *
 * @example
 * const demo = await startDemo({ config: loadApiConfig(process.env) });
 */
export async function startDemo(options: StartDemoOptions): Promise<RunningApi> {
  const { contacts: given, ...apiOptions } = options;
  const contacts =
    given ??
    (await openContactsStore(
      options.config,
      options.logger ?? createLogger({ name: 'gatehouse-demo', level: options.config.logLevel }),
    ));
  const now = options.now ?? Date.now;
  let api: RunningApi;
  try {
    api = await startApi({ ...apiOptions, routes: (app) => contactsRoutes(app, { store: contacts, now }) });
  } catch (error) {
    if (given === undefined) await contacts.close();
    throw error;
  }
  return {
    ...api,
    get providerReady() {
      return api.providerReady;
    },
    async close() {
      await api.close();
      if (given === undefined) await contacts.close();
    },
  };
}
