// The console's web server. Now: the operations views. Sign-in and the approval inbox come with
// the human-in-the-loop work; until then the server binds to loopback and accepts a POST only
// from its own pages (Origin check), so another site cannot replay dead letters through a browser.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import type { Client } from '@temporalio/client';
import type { Bus } from '@baton/bus';
import type { Logger } from '@baton/telemetry';
import { gatherOps, replayDeadLetter, ReplayError } from './ops.js';
import { opsPage, type Links } from './pages.js';

export interface ConsoleDeps {
  temporal: Client;
  bus: Bus;
  logger: Logger;
  metricsTargets: Record<string, string>;
  links: Links;
}

const WINDOW_MS: Record<string, number> = { '15m': 15 * 60_000, '1h': 3600_000, '24h': 24 * 3600_000, '7d': 7 * 24 * 3600_000 };

export async function createConsoleServer(deps: ConsoleDeps): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({ loggerInstance: deps.logger.child({}, { level: 'warn' }) as FastifyBaseLogger, bodyLimit: 256 * 1024 });
  await app.register(formbody);

  app.addHook('onRequest', async (req, reply) => {
    if (req.method !== 'POST') return;
    const origin = req.headers.origin;
    if (!origin || new URL(origin).host !== req.headers.host) return reply.code(403).send({ error: 'FORBIDDEN', reason: 'cross-origin POST refused' });
  });

  app.get('/health', async () => ({ ok: true }));
  app.get('/', async (_req, reply) => reply.redirect('/ops'));
  app.get('/ops', async (req, reply) => {
    const query = req.query as { window?: string; replayed?: string; error?: string };
    const window = query.window && WINDOW_MS[query.window] ? query.window : '1h';
    const view = await gatherOps(deps, WINDOW_MS[window]!);
    const flash = query.error ? { kind: 'error' as const, text: query.error } : query.replayed ? { kind: 'ok' as const, text: `Replayed event ${query.replayed}` } : undefined;
    return reply.type('text/html; charset=utf-8').send(opsPage(view, deps.links, window, flash));
  });
  app.post('/ops/dead-letters/:seq/replay', async (req, reply) => {
    const seq = Number((req.params as { seq: string }).seq);
    const payload = (req.body as { payload?: string } | undefined)?.payload;
    try {
      const { eventId } = await replayDeadLetter(deps.bus, seq, payload);
      deps.logger.info({ seq, eventId }, 'dead letter replayed');
      return reply.redirect(`/ops?replayed=${encodeURIComponent(eventId)}`, 303);
    } catch (err) {
      if (err instanceof ReplayError) return reply.redirect(`/ops?error=${encodeURIComponent(err.message)}`, 303);
      throw err;
    }
  });
  return app;
}
