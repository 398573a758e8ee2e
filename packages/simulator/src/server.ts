// The common shape of a simulated external system: Fastify, a record store on local disk,
// runtime fault injection (PUT /_faults), and writes that honor the Idempotency-Key header, or,
// in idempotency mode "off", apply every request they receive as many real APIs do.
//
// Late commits, and the rule that answers them. A write may be committed at any moment after
// its answer or after its caller gave up (faults `lateCommit*`, and `latencyMs` past the caller's
// timeout), in both idempotency modes. A lookup by reference therefore cannot tell "still in
// flight" from "never happened". So every simulator also takes a cancellation by reference
// (cancel-before-create): `POST /cancellations {reference, scope}` stores a durable marker and
// answers, in the same step, what is committed under that reference. From then on a commit of
// that reference is refused (409 REFERENCE_CANCELLED, never applied): with scope "all" every
// later one (an undo: nothing may ever commit under it), with scope "pending" only those of
// requests that arrived before the cancellation (a retry learning the first attempt's outcome;
// the retry's own request, which arrives after, is applied). A commit and a cancellation of one
// reference never interleave (one lock per reference), so what the cancellation reports as
// committed is final. `GET /cancellations?reference=` lists the markers.
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

/** A cancellation by reference (cancel-before-create), kept in the store. */
export interface CancellationMarker {
  reference: string;
  /** Scope "all" (an undo) was asked at least once: every later commit is refused. */
  all: boolean;
  /** Scope "pending": requests of process `epoch` that arrived up to `upTo` are refused. */
  epoch: string;
  upTo: number;
  at: string;
}

export const CancellationRequest = z.object({
  reference: z.string().min(1).max(500),
  scope: z.enum(['pending', 'all']).default('all'),
});

interface StoredAnswer {
  status: number;
  body: unknown;
}

export async function createSimulator(options: SimulatorOptions): Promise<SimulatorContext> {
  const app: FastifyInstance = Fastify({
    // Per-request lines are info-level: keep Fastify to warnings, our handlers log what matters.
    loggerInstance: options.logger.child({}, { level: 'warn' }) as FastifyBaseLogger,
    bodyLimit: 1_048_576,
  });
  const store = RecordStore.open(join(options.stateDir, options.name.replace(/[^A-Za-z0-9_-]/g, '_')));
  const faults = new Faults();
  const mode: SimulatorMode = { idempotency: options.idempotency ?? 'on' };

  // What the system was asked and what faults it injected: the chaos report's per-step rates.
  // repeatedKeys: requests in mode "off" with a key this route had been sent before, i.e. the
  // duplicates a key-honoring system would have absorbed.
  // lateCommits: writes committed (or refused) after a delay; refusedAsCancelled: commits refused
  // because their reference was cancelled first; cancellations: POST /cancellations answered.
  // lateCommitsSettled: late writes whose commit (or refusal) is done: equal to lateCommits, none is pending.
  const stats = {
    requests: 0,
    injectedFailures: 0,
    refused: 0,
    repeatedKeys: 0,
    lateCommits: 0,
    lateCommitsSettled: 0,
    refusedAsCancelled: 0,
    cancellations: 0,
  };
  app.get('/_stats', async () => stats);
  app.get('/health', async () => ({ ok: true, system: options.name }));
  app.get('/_faults', async () => faults.current);
  app.put('/_faults', async (req, reply) => {
    const parsed = FaultPatch.safeParse(req.body ?? {});
    if (!parsed.success)
      return reply.code(400).send({ code: 'INVALID_FAULTS', message: describeIssues(parsed.error.issues) });
    return faults.set(parsed.data);
  });
  app.get('/_mode', async () => mode);
  app.put('/_mode', async (req, reply) => {
    const parsed = SimulatorMode.partial().safeParse(req.body ?? {});
    if (!parsed.success)
      return reply.code(400).send({ code: 'INVALID_MODE', message: describeIssues(parsed.error.issues) });
    Object.assign(mode, parsed.data);
    options.logger.info({ mode }, 'mode changed');
    return mode;
  });

  // Arrival order of write requests in this process, and this process's identity: a "pending"
  // cancellation refuses the requests that arrived before it (a restart loses every pending
  // commit, so a marker of an earlier process refuses nothing new under scope "pending").
  const epoch = randomUUID();
  let arrivals = 0;
  // One chain per reference: a commit and a cancellation of one reference never interleave.
  const locks = new Map<string, Promise<void>>();
  const underReference = <T>(reference: string | null, fn: () => Promise<T>): Promise<T> => {
    if (!reference) return fn();
    const run = (locks.get(reference) ?? Promise.resolve()).then(fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    locks.set(reference, tail);
    void tail.then(() => {
      if (locks.get(reference) === tail) locks.delete(reference);
    });
    return run;
  };
  const cancelledKey = (reference: string) => `cancelled.${RecordStore.digest(reference)}`;
  const refusal = async (reference: string | null, arrival: number): Promise<StoredAnswer | undefined> => {
    if (!reference) return undefined;
    const marker = await store.get<CancellationMarker>(cancelledKey(reference));
    if (!marker) return undefined;
    if (!marker.all && !(marker.epoch === epoch && arrival <= marker.upTo)) return undefined;
    stats.refusedAsCancelled++;
    return {
      status: 409,
      body: {
        code: 'REFERENCE_CANCELLED',
        message: `reference ${reference} was cancelled at ${marker.at}: not applied`,
      },
    };
  };
  // Prefixes of the records a client finds by reference: what a cancellation reports as committed.
  const referencePrefixes = new Set<string>();

  const write: SimulatorContext['write'] = (method, url, schema, apply) => {
    const handle = async (req: FastifyRequest, reply: FastifyReply) => {
      const arrival = ++arrivals;
      const settings = faults.current;
      stats.requests++;
      if (settings.latencyMs) await sleep(settings.latencyMs);
      if (faults.shouldFail()) {
        stats.injectedFailures++;
        return reply
          .code(503)
          .send({ code: 'UNAVAILABLE', message: `${options.name} is unavailable (injected fault)` });
      }
      if (faults.refuses(method, url)) {
        stats.refused++;
        return reply.code(422).send({
          code: faults.current.refuseCode,
          message: `${options.name} refuses ${method} ${url} (injected fault)`,
        });
      }
      const header = req.headers['idempotency-key'];
      const key = typeof header === 'string' && header.length > 0 ? header : null;
      const raw = (req.body ?? {}) as { reference?: unknown };
      const reference = typeof raw.reference === 'string' && raw.reference.length > 0 ? raw.reference : key;
      /** Commits now or late (fault), unless the reference was cancelled before the commit. */
      const committing = (
        commit: () => Promise<StoredAnswer>,
        refused?: () => Promise<void>,
      ): { answer: Promise<StoredAnswer>; late: boolean } => {
        const delay = faults.lateCommitDelay();
        const guarded = () =>
          underReference(reference, async () => {
            const no = await refusal(reference, arrival);
            if (!no) return commit();
            await refused?.();
            return no;
          });
        if (!delay) return { answer: guarded(), late: false };
        stats.lateCommits++;
        const answer = sleep(delay)
          .then(guarded)
          .finally(() => void stats.lateCommitsSettled++);
        answer.catch((err: unknown) => options.logger.error({ err, method, url }, 'late commit failed'));
        return { answer, late: true };
      };
      const send = async (pending: { answer: Promise<StoredAnswer>; late: boolean }) => {
        if (pending.late && faults.current.lateCommitAnswer === 'first') {
          return reply.code(504).send({
            code: 'COMMIT_PENDING',
            message: `${options.name} accepted the request but has not committed it yet; it may still be applied`,
          });
        }
        const answer = await pending.answer;
        if (settings.latencyAfterCommitMs) await sleep(settings.latencyAfterCommitMs);
        return reply.code(answer.status).send(answer.body);
      };
      if (mode.idempotency === 'off') {
        const parsed = schema.safeParse(req.body ?? {});
        if (!parsed.success)
          return reply.code(400).send({ code: 'INVALID_REQUEST', message: describeIssues(parsed.error.issues) });
        if (
          key &&
          !(await store.create(`seen.${RecordStore.digest(`${method} ${req.url} ${key}`)}`, { at: Date.now() }))
        )
          stats.repeatedKeys++;
        const id = RecordStore.digest(randomUUID());
        return send(committing(() => apply(parsed.data, req, { id, idempotencyKey: key, reference })));
      }
      if (!key)
        return reply
          .code(400)
          .send({ code: 'MISSING_IDEMPOTENCY_KEY', message: 'every write needs an Idempotency-Key header' });
      const effectId = RecordStore.digest(`${method} ${req.url} ${key}`);
      const answerKey = `idem.${effectId}`;
      // Claim the key atomically: of two concurrent requests with one key, only one applies.
      const claimed = await store.create(answerKey, { pendingSince: Date.now() });
      if (!claimed) {
        const previous = await store.get<StoredAnswer | { pendingSince: number }>(answerKey);
        if (previous && 'status' in previous)
          return reply.code(previous.status).header('idempotent-replay', 'true').send(previous.body);
        const stale = previous && Date.now() - previous.pendingSince > STALE_CLAIM_MS;
        if (!stale)
          return reply.code(409).send({
            code: 'IDEMPOTENCY_KEY_IN_USE',
            message: 'a request with this Idempotency-Key is in progress; retry later',
          });
      }
      const parsed = schema.safeParse(req.body ?? {});
      if (!parsed.success) {
        await store.delete(answerKey);
        return reply.code(400).send({ code: 'INVALID_REQUEST', message: describeIssues(parsed.error.issues) });
      }
      return send(
        committing(
          async () => {
            const answer = await apply(parsed.data, req, { id: effectId, idempotencyKey: key, reference });
            await store.put(answerKey, answer);
            return answer;
          },
          // Not applied: the key is free again (a retry after a "pending" cancellation applies).
          () => store.delete(answerKey),
        ),
      );
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
    if (fields.includes('reference')) referencePrefixes.add(prefix);
    app.get(url, async (req, reply) => {
      const query = (req.query ?? {}) as Record<string, unknown>;
      const unknownField = Object.keys(query).find((f) => !fields.includes(f));
      if (unknownField)
        return reply
          .code(400)
          .send({ code: 'INVALID_QUERY', message: `${url} filters by ${fields.join(', ')}, not ${unknownField}` });
      const records = await store.list<Record<string, unknown>>(prefix);
      return records.filter((r) => Object.entries(query).every(([f, v]) => String(r[f]) === String(v)));
    });
  };

  // Cancel-before-create (see the file header). Like the lookups, exempt from injected faults: it
  // is how a client learns an outcome, and the chaos suite's faults are on the effects.
  app.post('/cancellations', async (req, reply) => {
    const parsed = CancellationRequest.safeParse(req.body ?? {});
    if (!parsed.success)
      return reply.code(400).send({ code: 'INVALID_REQUEST', message: describeIssues(parsed.error.issues) });
    const { reference, scope } = parsed.data;
    return underReference(reference, async () => {
      const previous = await store.get<CancellationMarker>(cancelledKey(reference));
      const marker: CancellationMarker = {
        reference,
        all: scope === 'all' || previous?.all === true,
        epoch,
        upTo: arrivals,
        at: new Date().toISOString(),
      };
      await store.put(cancelledKey(reference), marker);
      stats.cancellations++;
      const committed: Record<string, unknown[]> = {};
      for (const prefix of referencePrefixes) {
        const found = (await store.list<Record<string, unknown>>(prefix)).filter((r) => r.reference === reference);
        if (found.length > 0) committed[prefix] = found;
      }
      options.logger.info(
        { reference, scope, committed: Object.fromEntries(Object.entries(committed).map(([k, v]) => [k, v.length])) },
        'reference cancelled',
      );
      return { reference, scope, all: marker.all, committed };
    });
  });
  app.get('/cancellations', async (req) => {
    const { reference } = (req.query ?? {}) as { reference?: string };
    const markers = await store.list<CancellationMarker>('cancelled');
    return reference === undefined ? markers : markers.filter((m) => m.reference === reference);
  });

  const read: SimulatorContext['read'] = (url, handler) => {
    const handle = async (req: FastifyRequest, reply: FastifyReply) => {
      stats.requests++;
      if (faults.current.latencyMs) await sleep(faults.current.latencyMs);
      if (faults.shouldFail()) {
        stats.injectedFailures++;
        return reply
          .code(503)
          .send({ code: 'UNAVAILABLE', message: `${options.name} is unavailable (injected fault)` });
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
