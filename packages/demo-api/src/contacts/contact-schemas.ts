import { CONTACT_FIELD_LIMITS } from '@gatehouse/contract/demo';
import { z } from 'zod';

const nullableText = (max: number) => z.string().trim().max(max).nullable().optional();

/** `POST /api/contacts`: validated at the boundary; unknown fields are refused, not silently dropped. */
export const contactCreate = z
  .object({
    name: z.string().trim().min(1).max(CONTACT_FIELD_LIMITS.name),
    email: z.email().max(CONTACT_FIELD_LIMITS.email).nullable().optional(),
    phone: z
      .string()
      .trim()
      .regex(/^\+?[0-9 ().-]{3,32}$/, 'phone must be digits, spaces and + ( ) . -')
      .nullable()
      .optional(),
    notes: nullableText(CONTACT_FIELD_LIMITS.notes),
  })
  .strict();

/** `PATCH /api/contacts/:id`: any of the fields, none other. */
export const contactUpdate = contactCreate.partial().strict();

/** A contact id in a path. */
export const contactId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
