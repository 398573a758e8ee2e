// The HTTP webhook for systems that cannot speak NATS: POST /events with one event envelope.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { SpanKind } from '@opentelemetry/api';
import { extractTraceContext, inSpan } from '@baton/telemetry';
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
    const parent = extractTraceContext((name) => headers[name]);
    return inSpan(deps.tracer, 'POST /events', { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'POST', 'http.route': '/events' } }, async (span) => {
      const answer = await acceptWebhookEvent(deps, raw, headers);
      span.setAttribute('http.response.status_code', answer.status);
      return reply.code(answer.status).send({ ...answer.body, traceId: span.spanContext().traceId });
    }, parent);
  });
  return app;
}
