import { useId } from 'react';
import type { Contact } from './contact';

interface ContactItemProps {
  contact: Contact;
  onEdit(): void;
  onDelete(): void;
  busy: boolean;
}

/** One contact in the list, with its Edit and Delete buttons (described by the contact's name). */
export function ContactItem({ contact, onEdit, onDelete, busy }: ContactItemProps) {
  const nameId = useId();
  return (
    <li className="contact">
      <div className="contact__body">
        <h3 id={nameId} className="contact__name">
          {contact.name}
        </h3>
        <dl className="contact__facts">
          {contact.email && (
            <>
              <dt>Email</dt>
              <dd>{contact.email}</dd>
            </>
          )}
          {contact.phone && (
            <>
              <dt>Phone</dt>
              <dd>{contact.phone}</dd>
            </>
          )}
          {contact.notes && (
            <>
              <dt>Notes</dt>
              <dd className="contact__notes">{contact.notes}</dd>
            </>
          )}
        </dl>
      </div>
      <div className="contact__actions">
        <button type="button" className="button button--ghost" onClick={onEdit} aria-describedby={nameId}>
          Edit
        </button>
        <button
          type="button"
          className="button button--danger"
          onClick={onDelete}
          aria-describedby={nameId}
          disabled={busy}
        >
          Delete
        </button>
      </div>
    </li>
  );
}
