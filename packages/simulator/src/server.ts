// The common shape of a simulated external system: Fastify, a record store on local disk,
// runtime fault injection (PUT /_faults), and writes that honor the Idempotency-Key header, or,
// in idempotency mode "off", apply every request they receive as many real APIs do.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { describeIssues } from '@baton/bus';
import { trace } from '@opentelemetry/api';
import type { Logger } from '@baton/telemetry';
import { FaultPatch, Faults, sleep } from './faults.js';
import { RecordStore } from './store.js';

/**
 * "on": a repeated Idempotency-Key gets the first answer and changes nothing (a key is required).
 * "off": every request is applied as new; a key, if sent, is only recorded, so a test can count
 * from the records how often one effect was asked for.
 */
export const IdempotencyMode = z.enum(['on', 'off']);
export type IdempotencyMode = z.infer<typeof IdempotencyMode>;
export const SimulatorMode = z.object({ idempotency: IdempotencyMode });
export type SimulatorMode = z.infer<typeof SimulatorMode>;

/** What a write endpoint knows about the request it applies. */
export interface Effect {
  /** The id of what the request creates: derived from the key ("on"), fresh per request ("off"). */
  id: string;
  /** The Idempotency-Key header as sent, or null. Recorded in both modes. */
  idempotencyKey: string | null;
  /** The client's reference for lookups: the body's `reference`, else the Idempotency-Key, else null. */
  reference: string | null;
}

export interface SimulatorContext {
  app: FastifyInstance;
  store: RecordStore;
  faults: Faults;
  /** Current mode; PUT /_mode changes it at run time. */
  readonly mode: SimulatorMode;
  /**
   * Registers a write endpoint: faults apply, the body is validated, and (mode "on") a repeated
   * Idempotency-Key returns the first answer without running `apply` again. `apply` must use
   * `effect.id` as the id of what it creates, written with compare-and-set: then even a retry
   * after a lost answer record cannot apply twice.
   */
  write<S extends z.ZodType>(
    method: 'POST' | 'PUT' | 'DELETE',
    url: string,
    schema: S,
    apply: (body: z.output<S>, req: FastifyRequest, effect: Effect) => Promise<{ status: number; body: unknown }>,
  ): void;
  /**
   * GET `url` lists the records under `prefix`; query parameters named in `fields` filter them
   * (GET /charges?reference=wf-1/deposit/charge), as a real API's search does.
   */
  lookup(url: string, prefix: string, fields: readonly string[]): void;
  /**
   * Registers a read endpoint of the system's own API (GET /customers/:id) to which the faults
   * apply as to writes: latency, injected errors and outages. Lookups for reconcile stay exempt.
   */
  read(url: string, handler: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>): void;
  close(): Promise<void>;
}

export interface SimulatorOptions {
  name: string;
  logger: Logger;
  /** Parent directory of the record stores; this simulator's is `<stateDir>/<name>`. */
  stateDir: string;
  idempotency?: IdempotencyMode;
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
  const store = RecordStore.open(join(options.stateDir, options.name.replace(/[^A-Za-z0-9_-]/g, '_')));
  const faults = new Faults();
  const mode: SimulatorMode = { idempotency: options.idempotency ?? 'on' };

  // What the system was asked and what faults it injected: the chaos report's per-step rates.
  // repeatedKeys: requests in mode "off" with a key this route had been sent before, i.e. the
  // duplicates a key-honoring system would have absorbed.
  const stats = { requests: 0, injectedFailures: 0, refused: 0, repeatedKeys: 0 };
  app.get('/_stats', async () => stats);
  app.get('/health', async () => ({ ok: true, system: options.name }));
  app.get('/_faults', async () => faults.current);
  app.put('/_faults', async (req, reply) => {
    const parsed = FaultPatch.safeParse(req.body ?? {});
    if (!parsed.success) return reply.code(400).send({ code: 'INVALID_FAULTS', message: describeIssues(parsed.error.issues) });
    return faults.set(parsed.data);
  });
  app.get('/_mode', async () => mode);
  app.put('/_mode', async (req, reply) => {
    const parsed = SimulatorMode.partial().safeParse(req.body ?? {});
    if (!parsed.success) return reply.code(400).send({ code: 'INVALID_MODE', message: describeIssues(parsed.error.issues) });
    Object.assign(mode, parsed.data);
    options.logger.info({ mode }, 'mode changed');
    return mode;
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
        return reply.code(422).send({ code: faults.current.refuseCode, message: `${options.name} refuses ${method} ${url} (injected fault)` });
      }
      const header = req.headers['idempotency-key'];
      const key = typeof header === 'string' && header.length > 0 ? header : null;
      const raw = (req.body ?? {}) as { reference?: unknown };
      const reference = typeof raw.reference === 'string' && raw.reference.length > 0 ? raw.reference : key;
      if (mode.idempotency === 'off') {
        const parsed = schema.safeParse(req.body ?? {});
        if (!parsed.success) return reply.code(400).send({ code: 'INVALID_REQUEST', message: describeIssues(parsed.error.issues) });
        if (key && !(await store.create(`seen.${RecordStore.digest(`${method} ${req.url} ${key}`)}`, { at: Date.now() }))) stats.repeatedKeys++;
        const answer = await apply(parsed.data, req, { id: RecordStore.digest(randomUUID()), idempotencyKey: key, reference });
        if (settings.latencyAfterCommitMs) await sleep(settings.latencyAfterCommitMs);
        return reply.code(answer.status).send(answer.body);
      }
      if (!key) return reply.code(400).send({ code: 'MISSING_IDEMPOTENCY_KEY', message: 'every write needs an Idempotency-Key header' });
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
      const answer = await apply(parsed.data, req, { id: effectId, idempotencyKey: key, reference });
      await store.put(answerKey, answer);
      if (settings.latencyAfterCommitMs) await sleep(settings.latencyAfterCommitMs);
      return reply.code(answer.status).send(answer.body);
    };
    app.route({
      method,
      url,
      // The server span is the HTTP and fastify instrumentations' (packages/telemetry), which
      // continue the caller's traceparent; it says which system answered.
      handler: (req: FastifyRequest, reply: FastifyReply) => {
        trace.getActiveSpan()?.setAttribute('baton.simulator', options.name);
        return handle(req, reply);
      },
    });
  };

  const lookup: SimulatorContext['lookup'] = (url, prefix, fields) => {
    app.get(url, async (req, reply) => {
      const query = (req.query ?? {}) as Record<string, unknown>;
      const unknownField = Object.keys(query).find((f) => !fields.includes(f));
      if (unknownField) return reply.code(400).send({ code: 'INVALID_QUERY', message: `${url} filters by ${fields.join(', ')}, not ${unknownField}` });
      const records = await store.list<Record<string, unknown>>(prefix);
      return records.filter((r) => Object.entries(query).every(([f, v]) => String(r[f]) === String(v)));
    });
  };

  const read: SimulatorContext['read'] = (url, handler) => {
    const handle = async (req: FastifyRequest, reply: FastifyReply) => {
      stats.requests++;
      if (faults.current.latencyMs) await sleep(faults.current.latencyMs);
      if (faults.shouldFail()) {
        stats.injectedFailures++;
        return reply.code(503).send({ code: 'UNAVAILABLE', message: `${options.name} is unavailable (injected fault)` });
      }
      return handler(req, reply);
    };
    // The HTTP and fastify instrumentations (packages/telemetry) make the server span.
    app.get(url, (req, reply) => {
      trace.getActiveSpan()?.setAttribute('baton.simulator', options.name);
      return handle(req, reply);
    });
  };

  const close = async () => {
    await app.close();
    await store.close();
  };
  return { app, store, faults, mode, write, lookup, read, close };
}
