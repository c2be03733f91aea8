import type { ContactInput as WireContactInput } from '@gatehouse/contract/demo';

export type { Contact } from '@gatehouse/contract/demo';

/** What the form sends: every field, an empty one as `null` (cleared). */
export type ContactInput = Required<WireContactInput>;
