import { ApiError } from '@gatehouse/api';
import { CONTACTS_PER_USER, type ContactInput } from '@gatehouse/contract/demo';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { contactCreate, contactId, contactUpdate } from './contact-schemas.js';
import type { ContactsStore } from './contacts-store.js';
import { DemoError } from './demo-error.js';

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.join('.') || 'body';
    throw new ApiError('invalid_request', {
      description: `Invalid ${where}: ${issue?.message ?? 'invalid value'}`,
    });
  }
  return result.data;
}

/**
 * `/api/contacts` CRUD, per user: every route guarded by the `gatehouse` plugin (`requireUser()`, run before
 * the body is read), the owner taken from the verified token, another user's contact a 404. Registered on an
 * app that already has the plugin, exactly as a team's own routes are.
 */
export async function contactsRoutes(
  app: FastifyInstance,
  options: { store: ContactsStore; now: () => number },
): Promise<void> {
  const { store, now } = options;
  const signedIn = { onRequest: app.gatehouse.requireUser() };
  // The demo's own error codes; everything else (validation, not found) goes on to the app's handler.
  app.setErrorHandler((error, request, reply) => {
    if (!(error instanceof DemoError)) throw error;
    request.log.warn({ reqId: request.id, error: error.code, status: error.status }, 'request refused');
    return reply.status(error.status).send({ error: error.code, error_description: error.message });
  });

  app.get('/api/contacts', signedIn, async (request) => ({
    contacts: await store.list(request.gatehouse.user.sub),
  }));

  app.post('/api/contacts', signedIn, async (request, reply) => {
    const input = parse(contactCreate, request.body) as ContactInput;
    const contact = await store.create(request.gatehouse.user.sub, input, now(), CONTACTS_PER_USER);
    if (contact === undefined) throw new DemoError('contact_limit_reached');
    return reply.status(201).send(contact);
  });

  app.get('/api/contacts/:id', signedIn, async (request) => {
    const id = parse(contactId, (request.params as { id?: unknown }).id);
    const contact = await store.get(request.gatehouse.user.sub, id);
    if (contact === undefined) throw new ApiError('not_found');
    return contact;
  });

  app.patch('/api/contacts/:id', signedIn, async (request) => {
    const id = parse(contactId, (request.params as { id?: unknown }).id);
    const input = parse(contactUpdate, request.body) as ContactInput;
    const contact = await store.update(request.gatehouse.user.sub, id, input, now());
    if (contact === undefined) throw new ApiError('not_found');
    return contact;
  });

  app.delete('/api/contacts/:id', signedIn, async (request, reply) => {
    const id = parse(contactId, (request.params as { id?: unknown }).id);
    if (!(await store.delete(request.gatehouse.user.sub, id))) throw new ApiError('not_found');
    return reply.status(204).send();
  });
}
