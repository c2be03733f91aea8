import { useCallback, useEffect, useState } from 'react';
import { describeError } from '../ui/describe-error';
import { ErrorAlert } from '../ui/error-alert';
import type { Contact, ContactInput } from './contact';
import { ContactForm } from './contact-form';
import { ContactItem } from './contact-item';
import { createContact, deleteContact, listContacts, updateContact } from './contacts-api';

/** The protected resource: the signed-in user's own contacts, through the SDK's bearer `fetch`. */
export function ContactsPage() {
  const [contacts, setContacts] = useState<Contact[] | null>(null);
  const [editing, setEditing] = useState<Contact | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');

  const fail = useCallback((cause: unknown) => setError(describeError(cause)), []);

  useEffect(() => {
    listContacts().then(setContacts, fail);
  }, [fail]);

  const add = async (input: ContactInput): Promise<boolean> => {
    setError(null);
    try {
      const created = await createContact(input);
      setContacts((list) => [...(list ?? []), created]);
      setStatus(`Added ${created.name}.`);
      return true;
    } catch (cause) {
      fail(cause);
      return false;
    }
  };

  const save = async (id: string, input: ContactInput): Promise<boolean> => {
    setError(null);
    try {
      const updated = await updateContact(id, input);
      setContacts((list) => (list ?? []).map((item) => (item.id === id ? updated : item)));
      setEditing(null);
      setStatus(`Saved ${updated.name}.`);
      return true;
    } catch (cause) {
      fail(cause);
      return false;
    }
  };

  const remove = (contact: Contact) => {
    setError(null);
    setDeleting(contact.id);
    deleteContact(contact.id)
      .then(() => {
        setContacts((list) => (list ?? []).filter((item) => item.id !== contact.id));
        if (editing?.id === contact.id) setEditing(null);
        setStatus(`Deleted ${contact.name}.`);
      }, fail)
      .finally(() => setDeleting(null));
  };

  return (
    <section className="contacts" aria-labelledby="contacts-title">
      <h1 id="contacts-title">Contacts</h1>
      <ErrorAlert message={error} />
      <p className="visually-hidden" role="status">
        {status}
      </p>
      <div className="contacts__layout">
        <div className="card">
          {editing ? (
            <ContactForm
              key={editing.id}
              contact={editing}
              onSubmit={(input) => save(editing.id, input)}
              onCancel={() => setEditing(null)}
            />
          ) : (
            <ContactForm onSubmit={add} />
          )}
        </div>
        <div className="contacts__list">
          {contacts === null && error === null && <p className="muted">Loading contacts…</p>}
          {contacts?.length === 0 && <p className="muted empty">No contacts yet. Add your first one.</p>}
          {contacts && contacts.length > 0 && (
            <ul className="contact-list" aria-label="Your contacts">
              {contacts.map((contact) => (
                <ContactItem
                  key={contact.id}
                  contact={contact}
                  busy={deleting === contact.id}
                  onEdit={() => setEditing(contact)}
                  onDelete={() => remove(contact)}
                />
              ))}
            </ul>
          )}
        </div>
      </div>
    </section>
  );
}
