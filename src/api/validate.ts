/**
 * Request validation for the API routes, with zod (already part of the firmware for the
 * configuration) rather than fastify's JSON-schema validation: a route with a fastify
 * `schema` makes fastify build an ajv compiler at boot, about 1.5 MiB of idle heap for a
 * handful of checks (docs/PERFORMANCE.md, Memory). Bad input is a 400 whose `error` names
 * each field and why, and whose `errors` lists them.
 */
import type { FastifyReply } from 'fastify';
import type * as z from 'zod';

/** `value` parsed by `schema`, or undefined once a 400 has been sent. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, reply: FastifyReply): z.infer<S> | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const errors = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
  void reply.code(400).send({ error: `bad request: ${errors.join('; ')}`, errors });
  return undefined;
}
