import type { Contact, ContactInput } from '@gatehouse/contract/demo';

/** The demo's contacts, per owner (the `sub` of the API's token): a small async interface, one SQLite file today. */
export interface ContactsStore {
  list(owner: string): Promise<Contact[]>;
  /**
   * Adds a contact unless `owner` already has `limit` of them, atomically (two creates racing for the last place:
   * one gets it); `undefined` when the limit is reached.
   */
  create(owner: string, input: ContactInput, now: number, limit: number): Promise<Contact | undefined>;
  get(owner: string, id: string): Promise<Contact | undefined>;
  update(owner: string, id: string, input: ContactInput, now: number): Promise<Contact | undefined>;
  delete(owner: string, id: string): Promise<boolean>;
  close(): Promise<void>;
}
