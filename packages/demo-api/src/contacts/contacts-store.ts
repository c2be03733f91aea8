import { randomToken } from '@gatehouse/common';
import type { Contact, ContactInput } from '@gatehouse/contract/demo';

/** The demo's contacts, per owner (the `sub` of the API's token): a small async interface, on SQLite or PostgreSQL. */
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

/** A new contact from a create request, as every backend stores it (a fresh id, both times `now`). */
export function newContact(input: ContactInput, now: number): Contact {
  const at = new Date(now).toISOString();
  return {
    id: randomToken(12),
    name: input.name ?? '',
    email: input.email ?? null,
    phone: input.phone ?? null,
    notes: input.notes ?? null,
    created_at: at,
    updated_at: at,
  };
}
