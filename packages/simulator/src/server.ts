// The common shape of a simulated external system: Fastify, a KV-backed record store, runtime
// fault injection (PUT /_faults), and idempotent writes keyed by the Idempotency-Key header.
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Bus } from '@baton/bus';
import { describeIssues } from '@baton/bus';
import { SpanKind, trace } from '@opentelemetry/api';
import { extractTraceContext, inSpan, type Logger } from '@baton/telemetry';
import { FaultPatch, Faults, sleep } from './faults.js';
import { RecordStore } from './store.js';

export interface SimulatorContext {
  app: FastifyInstance;
  store: RecordStore;
  faults: Faults;
  /**
   * Registers a write endpoint: faults apply, the body is validated, and a repeated
   * Idempotency-Key returns the first answer without running `apply` again. `apply` gets an
   * effect id derived from the key and must use it as the id of what it creates, written with
   * compare-and-set: then even a retry after a lost answer record cannot apply twice.
   */
  write<S extends z.ZodType>(
    method: 'POST' | 'PUT' | 'DELETE',
    url: string,
    schema: S,
    apply: (body: z.output<S>, req: FastifyRequest, effect: { id: string }) => Promise<{ status: number; body: unknown }>,
  ): void;
}

export interface SimulatorOptions {
  name: string;
  bus: Bus;
  logger: Logger;
}

/** A claim older than this belongs to a request that died mid-way (or whose answer could not be
 *  stored); another may take it over, which is safe because `apply` is idempotent by effect id. */
const STALE_CLAIM_MS = 30_000;

interface StoredAnswer {
  status: number;
  body: unknown;
}

export async function createSimulator(options: SimulatorOptions): Promise<SimulatorContext> {
  const app: FastifyInstance = Fastify({ // Per-request lines are info-level: keep Fastify to warnings, our handlers log what matters.
  loggerInstance: options.logger.child({}, { level: 'warn' }) as FastifyBaseLogger, bodyLimit: 1_048_576 });
  const store = await RecordStore.open(options.bus, `sim_${options.name.replace(/[^A-Za-z0-9_-]/g, '_')}`);
  const faults = new Faults();
  const tracer = trace.getTracer(`${options.name}-sim`);

  // What the system was asked and what faults it injected: the chaos report's per-step rates.
  const stats = { requests: 0, injectedFailures: 0, refused: 0 };
  app.get('/_stats', async () => stats);
  app.get('/health', async () => ({ ok: true, system: options.name }));
  app.get('/_faults', async () => faults.current);
  app.put('/_faults', async (req, reply) => {
    const parsed = FaultPatch.safeParse(req.body ?? {});
    if (!parsed.success) return reply.code(400).send({ code: 'INVALID_FAULTS', message: describeIssues(parsed.error.issues) });
    return faults.set(parsed.data);
  });

  const write: SimulatorContext['write'] = (method, url, schema, apply) => {
    const handle = async (req: FastifyRequest, reply: FastifyReply) => {
      const settings = faults.current;
      stats.requests++;
      if (settings.latencyMs) await sleep(settings.latencyMs);
      if (faults.shouldFail()) {
        stats.injectedFailures++;
        return reply.code(503).send({ code: 'UNAVAILABLE', message: `${options.name} is unavailable (injected fault)` });
      }
      if (faults.refuses(method, url)) {
        stats.refused++;
        return reply.code(422).send({ code: 'REFUSED_BY_PROVIDER', message: `${options.name} refuses ${method} ${url} (injected fault)` });
      }
      const key = req.headers['idempotency-key'];
      if (typeof key !== 'string' || key.length === 0) return reply.code(400).send({ code: 'MISSING_IDEMPOTENCY_KEY', message: 'every write needs an Idempotency-Key header' });
      const effectId = RecordStore.digest(`${method} ${req.url} ${key}`);
      const answerKey = `idem.${effectId}`;
      // Claim the key atomically: of two concurrent requests with one key, only one applies.
      const claimed = await store.create(answerKey, { pendingSince: Date.now() });
      if (!claimed) {
        const previous = await store.get<StoredAnswer | { pendingSince: number }>(answerKey);
        if (previous && 'status' in previous) return reply.code(previous.status).header('idempotent-replay', 'true').send(previous.body);
        const stale = previous && Date.now() - previous.pendingSince > STALE_CLAIM_MS;
        if (!stale) return reply.code(409).send({ code: 'IDEMPOTENCY_KEY_IN_USE', message: 'a request with this Idempotency-Key is in progress; retry later' });
      }
      const parsed = schema.safeParse(req.body ?? {});
      if (!parsed.success) {
        await store.delete(answerKey);
        return reply.code(400).send({ code: 'INVALID_REQUEST', message: describeIssues(parsed.error.issues) });
      }
      const answer = await apply(parsed.data, req, { id: effectId });
      await store.put(answerKey, answer);
      if (settings.latencyAfterCommitMs) await sleep(settings.latencyAfterCommitMs);
      return reply.code(answer.status).send(answer.body);
    };
    app.route({
      method,
      url,
      handler: (req: FastifyRequest, reply: FastifyReply) =>
        inSpan(
          tracer,
          `${method} ${url}`,
          { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'http.route': url, 'baton.simulator': options.name } },
          () => handle(req, reply),
          extractTraceContext((name) => req.headers[name] as string | undefined),
        ),
    });
  };

  return { app, store, faults, write };
}
