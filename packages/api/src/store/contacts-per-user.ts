/**
 * Contacts one user may keep. With the field caps of the contact schema (name 200, email 254, phone 32, notes
 * 2000 characters: about 2.5 KB a contact) one account can fill at most about 2.5 MB of the database, however
 * many requests it sends.
 */
export const CONTACTS_PER_USER = 1000;
