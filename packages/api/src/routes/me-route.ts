import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../errors/api-error.js';
import type { ApiContext } from '../server/api-context.js';
import type { ContactInput } from '../store/api-store.js';
import { CONTACTS_PER_USER } from '../store/contacts-per-user.js';
import type { AccessTokenClaims } from '../tokens/access-token-claims.js';

const nullableText = (max: number) => z.string().trim().max(max).nullable().optional();

// Validated at the boundary; unknown fields are refused, not silently dropped.
const contactCreate = z
  .object({
    name: z.string().trim().min(1).max(200),
    email: z.email().max(254).nullable().optional(),
    phone: z
      .string()
      .trim()
      .regex(/^\+?[0-9 ().-]{3,32}$/, 'phone must be digits, spaces and + ( ) . -')
      .nullable()
      .optional(),
    notes: nullableText(2000),
  })
  .strict();
const contactUpdate = contactCreate.partial().strict();
const contactId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

function toUser(claims: AccessTokenClaims): { sub: string; email?: string; name?: string } {
  const user: { sub: string; email?: string; name?: string } = { sub: claims.sub };
  if (claims.email !== undefined) user.email = claims.email;
  if (claims.name !== undefined) user.name = claims.name;
  return user;
}

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

/** `GET /api/me` and `/api/contacts` CRUD: bearer-protected, per user (another user's contact is a 404). */
export function registerResourceRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const authenticate = async (request: FastifyRequest): Promise<AccessTokenClaims> =>
    ctx.bearer.verify(request.headers.authorization);

  // The hot path: answered from the verified claims (no store access), serialized by a compiled schema.
  app.get(
    '/api/me',
    {
      schema: {
        response: {
          200: {
            type: 'object',
            properties: { sub: { type: 'string' }, email: { type: 'string' }, name: { type: 'string' } },
            required: ['sub'],
          },
        },
      },
    },
    (request, reply) => {
      const verified = ctx.bearer.verify(request.headers.authorization);
      if (verified instanceof Promise) return verified.then(toUser);
      reply.send(toUser(verified));
      return reply;
    },
  );

  app.get('/api/contacts', async (request) => {
    const { sub } = await authenticate(request);
    return { contacts: await ctx.store.listContacts(sub) };
  });

  app.post('/api/contacts', async (request, reply) => {
    const { sub } = await authenticate(request);
    const input = parse(contactCreate, request.body) as ContactInput;
    const contact = await ctx.store.createContact(sub, input, ctx.now(), CONTACTS_PER_USER);
    if (contact === undefined) throw new ApiError('contact_limit_reached');
    return reply.status(201).send(contact);
  });

  app.get('/api/contacts/:id', async (request) => {
    const { sub } = await authenticate(request);
    const id = parse(contactId, (request.params as { id?: unknown }).id);
    const contact = await ctx.store.getContact(sub, id);
    if (contact === undefined) throw new ApiError('not_found');
    return contact;
  });

  app.patch('/api/contacts/:id', async (request) => {
    const { sub } = await authenticate(request);
    const id = parse(contactId, (request.params as { id?: unknown }).id);
    const input = parse(contactUpdate, request.body) as ContactInput;
    const contact = await ctx.store.updateContact(sub, id, input, ctx.now());
    if (contact === undefined) throw new ApiError('not_found');
    return contact;
  });

  app.delete('/api/contacts/:id', async (request, reply) => {
    const { sub } = await authenticate(request);
    const id = parse(contactId, (request.params as { id?: unknown }).id);
    if (!(await ctx.store.deleteContact(sub, id))) throw new ApiError('not_found');
    return reply.status(204).send();
  });
}
