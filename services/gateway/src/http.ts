// The HTTP webhook for systems that cannot speak NATS: POST /events with one event envelope.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { trace } from '@opentelemetry/api';
import { currentTraceId } from '@baton/telemetry';
import { acceptWebhookEvent, type GatewayDeps } from './gateway.js';

export function createWebhookServer(deps: GatewayDeps): FastifyInstance {
  const app: FastifyInstance = Fastify({ // Per-request lines are info-level: keep Fastify to warnings, our handlers log what matters.
  loggerInstance: deps.logger.child({}, { level: 'warn' }) as FastifyBaseLogger, bodyLimit: 256 * 1024 });
  // Keep the raw body: an unparseable request is dead-lettered as it came.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.get('/health', async () => ({ ok: true }));
  app.post('/events', async (req, reply) => {
    const raw = typeof req.body === 'string' ? req.body : '';
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
    // The HTTP and fastify instrumentations (packages/telemetry) continue the caller's traceparent
    // in the server span; the handler runs inside it.
    const answer = await acceptWebhookEvent(deps, raw, headers);
    if (typeof answer.body.workflowId === 'string') trace.getActiveSpan()?.setAttribute('baton.workflow.id', answer.body.workflowId);
    return reply.code(answer.status).send({ ...answer.body, traceId: currentTraceId() });
  });
  return app;
}
