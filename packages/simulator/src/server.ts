// The common shape of a simulated external system: Fastify, a KV-backed record store, runtime
// fault injection (PUT /_faults), and idempotent writes keyed by the Idempotency-Key header.
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Bus } from '@baton/bus';
import { describeIssues } from '@baton/bus';
import type { Logger } from '@baton/telemetry';
import { FaultSettings, Faults, sleep } from './faults.js';
import { RecordStore } from './store.js';

export interface SimulatorContext {
  app: FastifyInstance;
  store: RecordStore;
  faults: Faults;
  /**
   * Registers a write endpoint: faults apply, the body is validated, and a repeated
   * Idempotency-Key returns the first answer without running `apply` again.
   */
  write<S extends z.ZodType>(method: 'POST' | 'PUT' | 'DELETE', url: string, schema: S, apply: (body: z.output<S>, req: FastifyRequest) => Promise<{ status: number; body: unknown }>): void;
}

export interface SimulatorOptions {
  name: string;
  bus: Bus;
  logger: Logger;
}

interface StoredAnswer {
  status: number;
  body: unknown;
}

export async function createSimulator(options: SimulatorOptions): Promise<SimulatorContext> {
  const app: FastifyInstance = Fastify({ // Per-request lines are info-level: keep Fastify to warnings, our handlers log what matters.
  loggerInstance: options.logger.child({}, { level: 'warn' }) as FastifyBaseLogger, bodyLimit: 1_048_576 });
  const store = await RecordStore.open(options.bus, `sim_${options.name.replace(/[^A-Za-z0-9_-]/g, '_')}`);
  const faults = new Faults();

  app.get('/health', async () => ({ ok: true, system: options.name }));
  app.get('/_faults', async () => faults.current);
  app.put('/_faults', async (req, reply) => {
    const parsed = FaultSettings.partial().safeParse(req.body ?? {});
    if (!parsed.success) return reply.code(400).send({ code: 'INVALID_FAULTS', message: describeIssues(parsed.error.issues) });
    return faults.set(parsed.data);
  });

  const write: SimulatorContext['write'] = (method, url, schema, apply) => {
    app.route({
      method,
      url,
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        const settings = faults.current;
        if (settings.latencyMs) await sleep(settings.latencyMs);
        if (faults.shouldFail()) return reply.code(503).send({ code: 'UNAVAILABLE', message: `${options.name} is unavailable (injected fault)` });
        const key = req.headers['idempotency-key'];
        if (typeof key !== 'string' || key.length === 0) return reply.code(400).send({ code: 'MISSING_IDEMPOTENCY_KEY', message: 'every write needs an Idempotency-Key header' });
        const answerKey = `idem.${RecordStore.digest(`${method} ${url} ${key}`)}`;
        const previous = await store.get<StoredAnswer>(answerKey);
        if (previous) return reply.code(previous.status).header('idempotent-replay', 'true').send(previous.body);
        const parsed = schema.safeParse(req.body ?? {});
        if (!parsed.success) return reply.code(400).send({ code: 'INVALID_REQUEST', message: describeIssues(parsed.error.issues) });
        const answer = await apply(parsed.data, req);
        // Only definite answers are remembered; a 5xx may be retried with the same key.
        if (answer.status < 500) await store.put(answerKey, answer);
        if (settings.latencyAfterCommitMs) await sleep(settings.latencyAfterCommitMs);
        return reply.code(answer.status).send(answer.body);
      },
    });
  };

  return { app, store, faults, write };
}
