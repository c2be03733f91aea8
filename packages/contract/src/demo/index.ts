export {
  CONTACT_FIELD_LIMITS,
  CONTACTS_PER_USER,
  type Contact,
  type ContactInput,
  type ContactList,
} from './contact.js';
export { DEMO_ERRORS, type DemoErrorCode } from './demo-errors.js';
