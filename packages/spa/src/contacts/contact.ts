/** A contact as the API returns it. */
export interface Contact {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  notes: string | null;
  created_at: string;
  updated_at: string;
}

/** What the form sends: empty fields become `null` (cleared). */
export interface ContactInput {
  name: string;
  email: string | null;
  phone: string | null;
  notes: string | null;
}
