// The HTTP webhook for systems that cannot speak NATS: POST /events with one event envelope.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { metrics, trace } from '@opentelemetry/api';
import { currentTraceId } from '@baton/telemetry';
import { apiDocuments } from '@baton/workflow-kit/internal';
import { eventSources } from '@baton/contracts';
import { acceptWebhookEvent, type GatewayDeps } from './gateway.js';
import type { Refusal, WebhookSources } from './sources.js';
import { storageFailure } from './storage-guard.js';
import { signedTarget, type ProgressStreams } from './progress.js';

function eventTypeOf(raw: string): unknown {
  try {
    return (JSON.parse(raw) as { type?: unknown } | null)?.type;
  } catch {
    return undefined;
  }
}

/** The webhook; every request must be signed by a known source (see sources.ts) within its rate limit. */
export function createWebhookServer(
  deps: GatewayDeps,
  sources: WebhookSources,
  progress?: ProgressStreams,
): FastifyInstance {
  const refused = metrics.getMeter('baton').createCounter('baton.webhook.refused', {
    description: 'Webhook requests refused before validation, per source, reason and HTTP status (401, 403, 429)',
  });
  const unavailable = metrics.getMeter('baton').createCounter('baton.webhook.unavailable', {
    description:
      'Webhook events answered 503 because they could not be stored (NATS unreachable, or a stream or bucket full), per source and reason',
  });
  const app: FastifyInstance = Fastify({
    // Per-request lines are info-level: keep Fastify to warnings, our handlers log what matters.
    loggerInstance: deps.logger.child({}, { level: 'warn' }) as FastifyBaseLogger,
    bodyLimit: 256 * 1024,
  });
  // Keep the raw body: an unparseable request is dead-lettered as it came.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.get('/health', async () => ({ ok: true }));
  // The documents for publishers (packages/workflow-kit/src/api-documents.ts), from this gateway's
  // own registry: what it serves is what it accepts. Public, as /health is: they hold no secret.
  let documents: ReturnType<typeof apiDocuments> | undefined;
  const document = (name: keyof ReturnType<typeof apiDocuments>) => (documents ??= apiDocuments(deps.registry))[name];
  app.get('/asyncapi.json', async (_req, reply) =>
    reply.type('application/json; charset=utf-8').send(document('asyncapi.json')),
  );
  app.get('/openapi.json', async (_req, reply) =>
    reply.type('application/json; charset=utf-8').send(document('openapi.json')),
  );
  app.get('/reference', async (_req, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .send(document('reference.html')),
  );
  if (progress) {
    // Open progress streams would hold the close: end them first (clients resume elsewhere).
    app.addHook('preClose', (done) => {
      progress.closeAll();
      done();
    });
    // A workflow's progress for the source that started it (progress.ts), signed over the request
    // target instead of a body.
    app.get('/progress', async (req, reply) => {
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([, v]) => typeof v === 'string'),
      ) as Record<string, string>;
      const admission = await sources.admit(headers, signedTarget('GET', req.url));
      if (!admission.ok) {
        refused.add(1, {
          'baton.webhook.source': admission.sourceId ?? '',
          'baton.webhook.refusal': admission.error,
          'http.response.status_code': admission.status,
        });
        deps.logger.warn(
          { source: admission.sourceId, status: admission.status, error: admission.error, reason: admission.reason },
          'progress request refused',
        );
        if (admission.retryAfterS) reply.header('retry-after', String(admission.retryAfterS));
        return reply.code(admission.status).send({ error: admission.error, reason: admission.reason });
      }
      const workflowId = (req.query as { workflowId?: unknown }).workflowId;
      const lastEventId = headers['last-event-id'];
      const refusal = await progress.refusal(
        eventSources.webhook(admission.sourceId),
        typeof workflowId === 'string' ? workflowId : undefined,
        lastEventId,
      );
      if (refusal) return reply.code(refusal.status).send({ error: refusal.error, reason: refusal.reason });
      reply.hijack();
      await progress.serve(reply.raw, workflowId as string, lastEventId);
    });
  }
  app.post('/events', async (req, reply) => {
    const raw = typeof req.body === 'string' ? req.body : '';
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([, v]) => typeof v === 'string')) as Record<
      string,
      string
    >;
    // The HTTP and fastify instrumentations (packages/telemetry) continue the caller's traceparent
    // in the server span; the handler runs inside it.
    const span = trace.getActiveSpan();
    const refuse = (refusal: Refusal, sourceId: string | undefined) => {
      refused.add(1, {
        'baton.webhook.source': sourceId ?? '',
        'baton.webhook.refusal': refusal.error,
        'http.response.status_code': refusal.status,
      });
      deps.logger.warn(
        { source: sourceId, status: refusal.status, error: refusal.error, reason: refusal.reason },
        'webhook request refused',
      );
      if (refusal.retryAfterS) reply.header('retry-after', String(refusal.retryAfterS));
      return reply
        .code(refusal.status)
        .send({ error: refusal.error, reason: refusal.reason, traceId: currentTraceId() });
    };
    const admission = await sources.admit(headers, raw);
    if (!admission.ok) return refuse(admission, admission.sourceId);
    span?.setAttribute('baton.webhook.source', admission.sourceId);
    const type = eventTypeOf(raw);
    // Only the types the source lists ("*": every registered type); without a list, none.
    const allowed = admission.source.eventTypes ?? [];
    if (typeof type === 'string' && !allowed.includes('*') && !allowed.includes(type)) {
      const may = allowed.length ? `may send ${allowed.join(', ')}` : 'lists no event types and may send none';
      return refuse(
        {
          status: 403,
          error: 'EVENT_TYPE_NOT_ALLOWED',
          reason: `webhook source "${admission.sourceId}" ${may}, not ${type}`,
        },
        admission.sourceId,
      );
    }
    let answer: Awaited<ReturnType<typeof acceptWebhookEvent>>;
    try {
      answer = await acceptWebhookEvent(deps, raw, headers, admission.sourceId);
    } catch (err) {
      // What cannot be stored is refused with the reason and when to retry: never a 202 for what
      // was not recorded, never a bare 500 "timeout" for NATS being down or full.
      const failure = storageFailure(err);
      if (!failure) throw err;
      unavailable.add(1, { 'baton.webhook.source': admission.sourceId, 'baton.webhook.refusal': failure.code });
      deps.logger.warn(
        { source: admission.sourceId, error: failure.code, reason: failure.message },
        'webhook event not stored: 503',
      );
      reply.header('retry-after', String(failure.retryAfterS));
      return reply.code(503).send({
        error: failure.code,
        reason: failure.message,
        retryAfterS: failure.retryAfterS,
        traceId: currentTraceId(),
      });
    }
    if (typeof answer.body.workflowId === 'string') span?.setAttribute('baton.workflow.id', answer.body.workflowId);
    return reply.code(answer.status).send({ ...answer.body, traceId: currentTraceId() });
  });
  return app;
}
