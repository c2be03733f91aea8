import { CONTACT_FIELD_LIMITS } from '@gatehouse/contract/demo';
import { type FormEvent, useId, useState } from 'react';
import type { Contact, ContactInput } from './contact';

interface ContactFormProps {
  /** The contact being edited; absent to add a new one. */
  contact?: Contact;
  /** Resolves to whether it worked (errors are shown by the page). */
  onSubmit(input: ContactInput): Promise<boolean>;
  onCancel?: () => void;
}

const emptyToNull = (value: FormDataEntryValue | null): string | null => {
  const text = typeof value === 'string' ? value.trim() : '';
  return text === '' ? null : text;
};

/** Adds or edits a contact; every input has a visible label. */
export function ContactForm({ contact, onSubmit, onCancel }: ContactFormProps) {
  const id = useId();
  const [busy, setBusy] = useState(false);
  const editing = contact !== undefined;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    setBusy(true);
    const run = async () => {
      try {
        const done = await onSubmit({
          name: emptyToNull(data.get('name')) ?? '',
          email: emptyToNull(data.get('email')),
          phone: emptyToNull(data.get('phone')),
          notes: emptyToNull(data.get('notes')),
        });
        if (done && !editing) form.reset();
      } finally {
        setBusy(false);
      }
    };
    // onSubmit reports its own errors (role="alert" on the page) and never rejects.
    void run();
  };

  return (
    <form className="contact-form" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{editing ? `Edit ${contact.name}` : 'Add a contact'}</h2>
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          name="name"
          required
          maxLength={CONTACT_FIELD_LIMITS.name}
          defaultValue={contact?.name ?? ''}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-email`}>Email</label>
        <input
          id={`${id}-email`}
          name="email"
          type="email"
          maxLength={CONTACT_FIELD_LIMITS.email}
          defaultValue={contact?.email ?? ''}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-phone`}>Phone</label>
        <input
          id={`${id}-phone`}
          name="phone"
          type="tel"
          maxLength={CONTACT_FIELD_LIMITS.phone}
          aria-describedby={`${id}-phone-hint`}
          defaultValue={contact?.phone ?? ''}
        />
        <span id={`${id}-phone-hint`} className="hint">
          Digits, spaces and + ( ) . -
        </span>
      </div>
      <div className="field field--wide">
        <label htmlFor={`${id}-notes`}>Notes</label>
        <textarea
          id={`${id}-notes`}
          name="notes"
          rows={3}
          maxLength={CONTACT_FIELD_LIMITS.notes}
          defaultValue={contact?.notes ?? ''}
        />
      </div>
      <div className="form-actions">
        <button type="submit" className="button button--primary" disabled={busy}>
          {editing ? 'Save' : 'Add contact'}
        </button>
        {onCancel && (
          <button type="button" className="button button--ghost" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
