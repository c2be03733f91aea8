import type { ContactList } from '@gatehouse/contract/demo';
import { gatehouse } from '../gatehouse';
import type { Contact, ContactInput } from './contact';

async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const response = await gatehouse.fetch(path, {
    ...init,
    headers:
      init.body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' },
  });
  if (response.ok) return response;
  const body = (await response.json().catch(() => null)) as { error_description?: unknown } | null;
  const detail = typeof body?.error_description === 'string' ? ` ${body.error_description}` : '';
  throw new Error(`The server refused the request (HTTP ${response.status}).${detail}`);
}

/** `GET /api/contacts`. */
export async function listContacts(): Promise<Contact[]> {
  const body = (await (await call('/api/contacts')).json()) as ContactList;
  return body.contacts;
}

/** `POST /api/contacts`. */
export async function createContact(input: ContactInput): Promise<Contact> {
  return (await (
    await call('/api/contacts', { method: 'POST', body: JSON.stringify(input) })
  ).json()) as Contact;
}

/** `PATCH /api/contacts/:id`. */
export async function updateContact(id: string, input: ContactInput): Promise<Contact> {
  const response = await call(`/api/contacts/${encodeURIComponent(id)}`, {
    method: 'PATCH',
    body: JSON.stringify(input),
  });
  return (await response.json()) as Contact;
}

/** `DELETE /api/contacts/:id`. */
export async function deleteContact(id: string): Promise<void> {
  await call(`/api/contacts/${encodeURIComponent(id)}`, { method: 'DELETE' });
}
