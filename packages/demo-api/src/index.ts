export { contactsRoutes } from './contacts/contacts-routes.js';
export type { ContactsStore } from './contacts/contacts-store.js';
export { contactsDatabaseFile, SqliteContactsStore } from './contacts/sqlite-contacts-store.js';
export { type StartDemoOptions, startDemo } from './start-demo.js';
