// The gateway turns events from existing systems into workflows. Events arrive on NATS
// (baton.events.<type>) or through the HTTP webhook, which validates and publishes them to the
// same stream; one consumer starts the workflows, so both paths behave the same.
import { createHash } from 'node:crypto';
import { SpanKind, type Tracer } from '@opentelemetry/api';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  AnyEventEnvelope,
  consumers,
  eventSources,
  publisherEvents,
  streams,
  subjects,
  taskQueues,
} from '@baton/contracts';
import {
  PoisonMessageError,
  deadLetter,
  describeIssues,
  describeJsonError,
  nestingRefusal,
  publishJson,
  startConsumer,
  type Bus,
  type RunningConsumer,
} from '@baton/bus';
import { batonMetrics, inSpan, messagingAttributes, type Logger } from '@baton/telemetry';
import {
  BatonState,
  BatonWorkflowType,
  SOURCE_MEMO_KEY,
  TemporalChangeVersion,
  isUpcastRoute,
  startedWithPatches,
  type Registry,
} from '@baton/workflow-kit/internal';
import { contentDigest, type EventClaim, type EventClaims } from './event-claims.js';
import { deliverSignal, validateSignalEvent } from './signals.js';
import { assertConnected, assertRoomForEvent } from './storage-guard.js';

/** How far an event's own time may be from its arrival before the gateway flags it. */
const EVENT_TIME_FLAG_MS = 24 * 3600_000;

export interface GatewayDeps {
  /** Every registered workflow: which event type starts which, under which id. */
  registry: Registry;
  /** Every idempotency key that started a workflow, with its content's digest. */
  claims: EventClaims;
  bus: Bus;
  temporal: Client;
  logger: Logger;
  tracer: Tracer;
}

/** A valid event and the workflow it starts. */
export interface WorkflowStart {
  /** Who sent the event (recorded in the workflow's memo: its progress goes out under it). */
  source: string;
  workflowType: string;
  workflowName: string;
  workflowId: string;
  input: unknown;
}
/** `event` is what starts the workflow (upcast to the version that starts it); `received` is the
 *  event as sent, which is what is published, claimed and deduplicated. */
export type Validation =
  | { ok: true; event: AnyEventEnvelope; received: AnyEventEnvelope; start: WorkflowStart; workflowId: string }
  | { ok: false; reason: string };

/** Full validation: the envelope, then the data against its registered type's schema. */
export function validateEvent(registry: Registry, payload: unknown): Validation {
  const type = (payload as { type?: unknown } | null)?.type;
  const routed = typeof type === 'string' ? registry.events.get(type) : undefined;
  if (!routed) {
    // Without a known type only the envelope can be checked; say what is wrong with it first.
    const envelope = AnyEventEnvelope.safeParse(payload);
    if (!envelope.success) return { ok: false, reason: `invalid envelope: ${describeIssues(envelope.error.issues)}` };
    return { ok: false, reason: `unknown event type "${envelope.data.type}"` };
  }
  // A known type: check envelope and data in one pass, so every problem is reported at once.
  const typed = routed.route.schema.safeParse(payload);
  if (!typed.success) return { ok: false, reason: `invalid ${String(type)}: ${describeIssues(typed.error.issues)}` };
  const received = typed.data as AnyEventEnvelope;
  // An older version: upcast along the registration's chain, each step checked by the next
  // version's schema, until the version that starts the workflow.
  let event = received;
  let route = routed.route;
  while (isUpcastRoute(route)) {
    if (route.acceptedUntil !== undefined && new Date().toISOString().slice(0, 10) > route.acceptedUntil) {
      return {
        ok: false,
        reason: `${event.type} is no longer accepted (its last day was ${route.acceptedUntil}): send ${route.upcastTo}`,
      };
    }
    const next = registry.events.get(route.upcastTo)!.route;
    const upcast = next.schema.safeParse(route.upcast(event));
    if (!upcast.success)
      return {
        ok: false,
        reason: `${event.type} upcast to ${route.upcastTo} is invalid: ${describeIssues(upcast.error.issues)}`,
      };
    event = upcast.data as AnyEventEnvelope;
    route = next;
  }
  const { workflowId, input } = route.start(event);
  const start = {
    source: received.source,
    workflowType: routed.workflow.definition.type,
    workflowName: routed.workflow.workflowName,
    workflowId,
    input,
  };
  return { ok: true, event, received, start, workflowId };
}

/** The event with its `source` set to who sent it (eventSources): what the sender's credentials
 *  proved, whatever the body said. Not an object: left for validation to refuse. */
export function withSource(payload: unknown, source: string): unknown {
  return typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? { ...payload, source } : payload;
}

/**
 * What a message on the events stream holds, its source decided by its subject: a NATS publisher's
 * own subject (`baton.events.from.<publisher>.<type>`, which only that identity may publish) makes
 * the source `nats.<publisher>` and must carry that type; on `baton.events.<type>` only the gateway
 * (which set the source from the webhook's signature) and the console's dead-letter replay publish.
 */
export function eventFromSubject(
  subject: string,
  payload: unknown,
): { ok: true; payload: unknown } | { ok: false; reason: string } {
  if (!subject.startsWith(publisherEvents.prefix)) return { ok: true, payload };
  const rest = subject.slice(publisherEvents.prefix.length);
  const dot = rest.indexOf('.');
  const publisher = rest.slice(0, dot);
  const type = rest.slice(dot + 1);
  if (dot < 1 || !type) return { ok: false, reason: `subject ${subject} names no publisher and type` };
  const claimed = (payload as { type?: unknown } | null)?.type;
  if (claimed !== type)
    return { ok: false, reason: `publisher ${publisher} sent a ${String(claimed)} event on its subject for ${type}` };
  return { ok: true, payload: withSource(payload, eventSources.nats(publisher)) };
}

export async function startEventConsumer(deps: GatewayDeps, ackWaitMs: number): Promise<RunningConsumer> {
  return startConsumer(deps.bus, {
    stream: streams.events,
    durable: consumers.gateway,
    filterSubject: subjects.eventsAll,
    // The envelope check here sends garbage to the dead-letter subject; the typed check below
    // does the same for well-formed envelopes with bad data or an unknown type.
    schema: AnyEventEnvelope,
    rejectedBy: 'gateway',
    ackWaitMs,
    concurrency: 16,
    logger: deps.logger,
    handle: ({ msg, traceContext }) =>
      inSpan(
        deps.tracer,
        `process ${msg.subject}`,
        { kind: SpanKind.CONSUMER, attributes: messagingAttributes('process', msg.subject) },
        async (span) => {
          const received = eventFromSubject(msg.subject, msg.json());
          if (!received.ok) {
            batonMetrics().eventsReceived.add(1, { 'baton.outcome': 'dead_lettered' });
            throw new PoisonMessageError(received.reason);
          }
          const signalled = validateSignalEvent(deps.registry, received.payload);
          if (signalled) {
            // An event for a running workflow: signalled, not started (services/gateway/src/signals.ts).
            const outcome = signalled.ok ? await deliverSignal(deps.temporal, signalled.delivery) : undefined;
            batonMetrics().eventsReceived.add(1, {
              ...(signalled.ok ? { 'baton.event.type': signalled.event.type } : {}),
              'baton.outcome': outcome ?? 'dead_lettered',
            });
            if (!signalled.ok) throw new PoisonMessageError(signalled.reason);
            if (outcome === 'not-running')
              throw new PoisonMessageError(
                `no running ${signalled.delivery.workflowType} workflow ${signalled.delivery.workflowId} for ${signalled.event.type}`,
              );
            deps.logger.info(
              {
                eventId: signalled.event.id,
                type: signalled.event.type,
                workflowId: signalled.delivery.workflowId,
                outcome,
              },
              'event handled',
            );
            return;
          }
          const validation = validateEvent(deps.registry, received.payload);
          if (!validation.ok) {
            batonMetrics().eventsReceived.add(1, { 'baton.outcome': 'dead_lettered' });
            throw new PoisonMessageError(validation.reason);
          }
          const { received: event } = validation;
          span.setAttributes({
            'messaging.message.id': event.id,
            'baton.event.type': event.type,
            'baton.workflow.id': validation.workflowId,
          });
          // An event whose own time is far from now is flagged (the workflow's status says so too), never refused.
          const skewMs = Date.now() - Date.parse(event.time);
          if (Math.abs(skewMs) > EVENT_TIME_FLAG_MS) {
            span.setAttribute('baton.event.time_skew_s', Math.round(skewMs / 1000));
            deps.logger.warn(
              { eventId: event.id, type: event.type, eventTime: event.time, skewS: Math.round(skewMs / 1000) },
              'event time is more than a day from when it arrived',
            );
          }
          const claim = await deps.claims.claim(event, validation.workflowId, validation.start.workflowType);
          if (claim.kind === 'conflict') {
            batonMetrics().eventsReceived.add(1, { 'baton.event.type': event.type, 'baton.outcome': 'conflict' });
            throw new PoisonMessageError(conflictReason(event, claim.claim.eventId, validation.workflowId));
          }
          // A claim whose workflow started is a duplicate, even after Temporal forgot the workflow.
          const started = claim.kind === 'same' && claim.claim.started;
          // A claim that never recorded its start (the gateway stopped between the start and the
          // mark): the start below finds the workflow by its id while Temporal keeps it; past the
          // retention it may have run and been forgotten, and is not started a second time.
          if (claim.kind === 'same' && !started) {
            const unknown = await startMayBeForgotten(deps.temporal, claim.claim);
            if (unknown) {
              batonMetrics().eventsReceived.add(1, {
                'baton.event.type': event.type,
                'baton.outcome': 'start_unknown',
              });
              throw new PoisonMessageError(forgottenStartReason(event, claim.claim, unknown.retentionMs));
            }
          }
          const outcome = started ? 'duplicate' : await startWorkflowFor(deps, validation.start);
          if (!started) await deps.claims.markStarted(validation.workflowId);
          span.setAttribute('baton.gateway.outcome', outcome);
          batonMetrics().eventsReceived.add(1, { 'baton.event.type': event.type, 'baton.outcome': outcome });
          if (outcome === 'started')
            batonMetrics().workflowsStarted.add(1, { 'baton.workflow.type': validation.start.workflowType });
          deps.logger.info(
            { eventId: event.id, type: event.type, workflowId: validation.workflowId, outcome },
            'event handled',
          );
        },
        traceContext,
      ),
  });
}

function conflictReason(event: AnyEventEnvelope, firstEventId: string, workflowId: string): string {
  return `idempotency key "${event.idempotencykey}" was already used by event ${firstEventId} with different content (workflow ${workflowId}); send a new key for a new request`;
}

const retentions = new WeakMap<Client, Promise<number>>();
/** How long Temporal keeps a closed workflow in the client's namespace (read once per client). */
function retentionMs(temporal: Client): Promise<number> {
  let known = retentions.get(temporal);
  if (!known) {
    known = temporal.workflowService.describeNamespace({ namespace: temporal.options.namespace }).then((answer) => {
      const ttl = answer.config?.workflowExecutionRetentionTtl;
      // No retention given: the shortest Temporal allows (a day), which refuses soonest.
      return ttl ? Number(ttl.seconds ?? 0) * 1000 + Math.floor((ttl.nanos ?? 0) / 1e6) : 24 * 3600_000;
    });
    known.catch(() => retentions.delete(temporal)); // asked again at the next event
    retentions.set(temporal, known);
  }
  return known;
}

/**
 * Whether a claim that never recorded its start may belong to a workflow Temporal has forgotten.
 * Any workflow started for the claim started after the claim was made and is kept for the
 * retention after it closed: while the claim is younger than the retention, Temporal still knows
 * every run it could have started (REJECT_DUPLICATE finds it). Past that, a workflow Temporal
 * does not know may have run and been removed, or never started: nobody can tell.
 */
async function startMayBeForgotten(temporal: Client, claim: EventClaim): Promise<{ retentionMs: number } | undefined> {
  const retention = await retentionMs(temporal);
  if (Date.now() - Date.parse(claim.claimedAt) < retention) return undefined;
  try {
    await temporal.workflow.getHandle(claim.workflowId).describe();
    return undefined; // still known: the start below answers duplicate and the claim is marked
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { retentionMs: retention };
    throw err;
  }
}

function forgottenStartReason(event: AnyEventEnvelope, claim: EventClaim, retention: number): string {
  return (
    `idempotency key "${event.idempotencykey}" was claimed at ${claim.claimedAt} by event ${claim.eventId} for workflow ${claim.workflowId}, ` +
    `whose start was never recorded, and Temporal (which keeps closed workflows ${Math.round(retention / 3600_000)} h) does not know that workflow: ` +
    'it may have run and been forgotten, so it is not started again; check its outcome, and send the request under a new key if it never ran'
  );
}

async function startWorkflowFor(deps: GatewayDeps, start: WorkflowStart): Promise<'started' | 'duplicate'> {
  try {
    await deps.temporal.workflow.start(start.workflowName, {
      taskQueue: taskQueues.orchestrator,
      workflowId: start.workflowId,
      args: [start.input],
      // A replayed event, even after the workflow finished, must not run the process again.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      memo: { [SOURCE_MEMO_KEY]: start.source },
      typedSearchAttributes: [
        { key: BatonWorkflowType, value: start.workflowType },
        { key: BatonState, value: 'Received' },
        // The kit's settled patches: the run takes their code without recording a marker each.
        { key: TemporalChangeVersion, value: startedWithPatches() },
      ],
    });
    return 'started';
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return 'duplicate';
    throw err;
  }
}

export interface WebhookAnswer {
  status: 202 | 400 | 409;
  body: Record<string, unknown>;
}

/** The webhook path: validate, dead-letter what is invalid, publish what is valid. */
export async function acceptWebhookEvent(
  deps: GatewayDeps,
  rawBody: string,
  headers: Record<string, string>,
  sourceId: string,
): Promise<WebhookAnswer> {
  // Every answer below needs NATS (a claim look-up, a publish, a dead letter): none while it is gone.
  assertConnected(deps.bus);
  let validation: Validation;
  // Refused before it is parsed: a body nested deeper than any event overflows what walks it.
  const tooDeep = nestingRefusal(rawBody);
  if (tooDeep) validation = { ok: false, reason: `body is ${tooDeep}` };
  else {
    try {
      // Its source is the signed-in sender's: a key of one source never blocks another's.
      const payload: unknown = withSource(JSON.parse(rawBody), eventSources.webhook(sourceId));
      const signalled = validateSignalEvent(deps.registry, payload);
      if (signalled?.ok) {
        await assertRoomForEvent(deps.bus, Buffer.byteLength(rawBody), false);
        const ack = await publishJson(deps.bus.js, subjects.event(signalled.event.type), signalled.event, {
          msgID: signalled.event.id,
        });
        return {
          status: 202,
          body: {
            eventId: signalled.event.id,
            workflowId: signalled.delivery.workflowId,
            duplicate: ack.duplicate,
            stream: ack.stream,
            seq: ack.seq,
          },
        };
      }
      validation = signalled ?? validateEvent(deps.registry, payload);
    } catch (err) {
      validation = { ok: false, reason: `body is not JSON: ${describeJsonError(err)}` };
    }
  }
  if (!validation.ok) {
    batonMetrics().eventsReceived.add(1, { 'baton.outcome': 'dead_lettered' });
    // Keyed by the body's digest: the same body twice is one dead letter, two bodies never share one.
    const digest = createHash('sha256').update(rawBody).digest('hex');
    await deadLetter(
      deps.bus.js,
      { reason: validation.reason, rejectedBy: 'gateway', subject: 'http:/events', payload: rawBody, headers },
      `dlq:http:${digest}`,
    );
    return { status: 400, body: { error: 'INVALID_EVENT', reason: validation.reason } };
  }
  const { received: event, workflowId } = validation;
  // The same key with other content is refused now, so the sender knows; the consumer checks
  // again (two such requests may race past this look-up) and dead-letters the second.
  const known = await deps.claims.lookup(workflowId, contentDigest(event));
  if (known?.kind === 'conflict') {
    batonMetrics().eventsReceived.add(1, { 'baton.event.type': event.type, 'baton.outcome': 'conflict' });
    return {
      status: 409,
      body: {
        error: 'IDEMPOTENCY_CONFLICT',
        workflowId,
        reason: conflictReason(event, known.claim.eventId, workflowId),
      },
    };
  }
  // 202 only for what can be stored, and claimed by the consumer after it (storage-guard.ts).
  await assertRoomForEvent(deps.bus, Buffer.byteLength(rawBody), known === undefined);
  const ack = await publishJson(deps.bus.js, subjects.event(event.type), event, { msgID: event.id });
  // A duplicate starts nothing: the same envelope again (JetStream drops it by its id), or the
  // same request under a new envelope whose key already claimed its workflow.
  const duplicate = ack.duplicate || known?.kind === 'same';
  return { status: 202, body: { eventId: event.id, workflowId, duplicate, stream: ack.stream, seq: ack.seq } };
}
