/** A contact as the demo's API stores and returns it. */
export interface Contact {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  notes: string | null;
  /** ISO 8601. */
  created_at: string;
  updated_at: string;
}

/**
 * What a client may send: `POST /api/contacts` needs `name`; `PATCH /api/contacts/:id` takes any of them. An
 * empty field is `null` (cleared); an unknown field is refused.
 */
export interface ContactInput {
  name?: string;
  email?: string | null;
  phone?: string | null;
  notes?: string | null;
}

/** `GET /api/contacts` → 200. */
export interface ContactList {
  contacts: Contact[];
}

/**
 * Contacts one user may keep. With the field caps (name 200, email 254, phone 32, notes 2000 characters: about
 * 2.5 KB a contact) one account can fill at most about 2.5 MB of the database, however many requests it sends.
 */
export const CONTACTS_PER_USER = 1000;

/** The longest value of each field, in characters. */
export const CONTACT_FIELD_LIMITS = { name: 200, email: 254, phone: 32, notes: 2000 } as const;
