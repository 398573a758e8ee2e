// The console's web server: sign-in, the approval inbox, gates with their context and the
// decision form, workflow timelines from the audit trail, and the operations views. Every page
// but sign-in needs a session; every form carries a CSRF token, and a POST must also come from
// the console's own origin.
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import formbody from '@fastify/formbody';
import cookie from '@fastify/cookie';
import session from '@fastify/session';
import csrf from '@fastify/csrf-protection';
import type { Client } from '@temporalio/client';
import type { Bus } from '@baton/bus';
import type { Logger } from '@baton/telemetry';
import { statusQuery, type GateOption, type Registry, type WorkflowStatus } from '@baton/workflow-kit';
import { decide, DecisionRefusedError } from '../decisions.js';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gatherOps, replayDeadLetter, ReplayError } from './ops.js';
import { chartData } from './series.js';
import { opsPage, type Links } from './pages.js';
import { signIn, type ConsoleUser, type SignedIn } from './auth.js';
import { changeFieldsOf, pendingGates, previousCases, rolesAllowed, timeline, trustRows } from './approvals.js';
import { gatePage, inboxPage, loginPage, timelinePage } from './approval-pages.js';
import { registerCorrectionRoutes } from './corrections.js';

declare module 'fastify' {
  interface Session {
    user?: SignedIn;
  }
}

export interface ConsoleDeps {
  /** Every registered workflow: how to show it, its gate types. */
  registry: Registry;
  temporal: Client;
  bus: Bus;
  logger: Logger;
  metricsTargets: Record<string, string>;
  /** Prometheus scraping the services: the charts' history (none: the page has its tables only). */
  prometheusUrl?: string | undefined;
  links: Links;
  auth: {
    users: ConsoleUser[];
    /** Signs the session cookie; at least 32 characters. */
    sessionSecret: string;
    /** A session ends this long after sign-in. */
    sessionTtlMs: number;
    /** Send the cookie over HTTPS only (set behind TLS). */
    secureCookies: boolean;
  };
  /** Shown beside the trust counts when the orchestrator has not counted a gate type yet. */
  trustThreshold: number;
}

/** Pages anyone may open: sign-in and the health check. */
const PUBLIC = new Set(['/health', '/login']);

function safeNext(next: unknown): string {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') ? next : '/inbox';
}

function flashOf(query: { error?: string; ok?: string }) {
  return query.error ? { kind: 'error' as const, text: query.error } : query.ok ? { kind: 'ok' as const, text: query.ok } : undefined;
}

/** The changes a decision carries, from the form: the workflow's change fields (approve with
 *  changes), or the JSON of a corrected input or of a step's output (attention gate). */
function changesFrom(decision: GateOption, body: Record<string, string | undefined>, registry: Registry, status: WorkflowStatus): Record<string, unknown> | undefined {
  if (decision === 'correct-input' || decision === 'supply-output') {
    const key = decision === 'correct-input' ? 'input' : 'output';
    try {
      return { [key]: JSON.parse(String(body[key] ?? '')) as unknown };
    } catch {
      throw new Error(`The ${key} must be JSON`);
    }
  }
  if (decision !== 'approve-with-changes' || !status.gate) return undefined;
  const fields = changeFieldsOf(registry.workflow(status.workflowType)?.view, status.gate, status);
  const changes: Record<string, unknown> = {};
  for (const f of fields) {
    const raw = body[f.name]?.trim();
    if (raw) changes[f.name] = f.type === 'number' ? Number(raw) : raw;
  }
  return changes;
}

/** The charts' scripts and styles, served from the console's own origin (no inline script). */
const require = createRequire(import.meta.url);
const STATIC: Record<string, { type: string; body: Buffer }> = {
  '/static/uplot.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js')) },
  '/static/uplot.css': { type: 'text/css; charset=utf-8', body: readFileSync(require.resolve('uplot/dist/uPlot.min.css')) },
  '/static/ops-charts.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(new URL('../../static/ops-charts.js', import.meta.url)) },
};

const WINDOW_MS: Record<string, number> = { '15m': 15 * 60_000, '1h': 3600_000, '24h': 24 * 3600_000, '7d': 7 * 24 * 3600_000 };

export async function createConsoleServer(deps: ConsoleDeps): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({ loggerInstance: deps.logger.child({}, { level: 'warn' }) as FastifyBaseLogger, bodyLimit: 256 * 1024 });
  await app.register(formbody);
  await app.register(cookie);
  await app.register(session, {
    secret: deps.auth.sessionSecret,
    cookieName: 'baton_session',
    // Absolute expiry: a session is not extended by use.
    rolling: false,
    saveUninitialized: false,
    cookie: { path: '/', httpOnly: true, sameSite: 'strict', secure: deps.auth.secureCookies, maxAge: deps.auth.sessionTtlMs },
  });
  await app.register(csrf, { sessionPlugin: '@fastify/session' });

  app.addHook('onRequest', async (req, reply) => {
    if (req.method !== 'POST') return;
    const origin = req.headers.origin;
    if (!origin || new URL(origin).host !== req.headers.host) return reply.code(403).send({ error: 'FORBIDDEN', reason: 'cross-origin POST refused' });
  });
  // No anonymous page, no anonymous decision.
  app.addHook('preHandler', async (req, reply) => {
    const path = req.url.split('?')[0]!;
    if (PUBLIC.has(path) || req.session.user) return;
    if (req.method === 'GET') return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
    return reply.code(401).send({ error: 'UNAUTHENTICATED', reason: 'sign in first' });
  });
  const csrfCheck = (req: FastifyRequest, reply: FastifyReply, done: () => void) => app.csrfProtection(req, reply, done);
  const user = (req: FastifyRequest) => req.session.user!;
  const html = (reply: FastifyReply, body: string) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);

  app.get('/health', async () => ({ ok: true }));
  app.get('/', async (_req, reply) => reply.redirect('/inbox'));

  app.get('/login', async (req, reply) => {
    const query = req.query as { next?: string; error?: string };
    return html(reply, loginPage(reply.generateCsrf(), safeNext(query.next), query.error ? { kind: 'error', text: query.error } : undefined));
  });
  app.post('/login', { preHandler: csrfCheck }, async (req, reply) => {
    const body = (req.body ?? {}) as { username?: string; password?: string; next?: string };
    const who = await signIn(deps.auth.users, String(body.username ?? ''), String(body.password ?? ''));
    if (!who) {
      deps.logger.warn({}, 'sign-in refused');
      return reply.redirect(`/login?error=${encodeURIComponent('Unknown user or wrong password')}&next=${encodeURIComponent(safeNext(body.next))}`, 303);
    }
    // A fresh session id at sign-in: a planted session cannot be carried into a signed-in one.
    await req.session.regenerate();
    req.session.user = who;
    deps.logger.info({ roles: who.roles }, 'signed in');
    return reply.redirect(safeNext(body.next), 303);
  });
  app.post('/logout', { preHandler: csrfCheck }, async (req, reply) => {
    await req.session.destroy();
    return reply.redirect('/login', 303);
  });

  app.get('/inbox', async (req, reply) => {
    const [items, trust] = await Promise.all([pendingGates(deps.temporal), trustRows(deps.bus, deps.registry, deps.trustThreshold)]);
    const summarised = items.map((item) => ({ ...item, summary: deps.registry.workflow(item.status.workflowType)?.view?.summary?.(item.status) ?? '' }));
    return html(reply, inboxPage(summarised, trust, user(req), reply.generateCsrf(), flashOf(req.query as { error?: string; ok?: string })));
  });
  app.get('/gates/:workflowId', async (req, reply) => {
    const { workflowId } = req.params as { workflowId: string };
    let status: WorkflowStatus;
    try {
      status = await deps.temporal.workflow.getHandle(workflowId).query(statusQuery);
    } catch (err) {
      return reply.redirect(`/inbox?error=${encodeURIComponent(`no workflow ${workflowId}: ${(err as Error).message}`)}`, 303);
    }
    const view = deps.registry.workflow(status.workflowType)?.view;
    const customerId = view?.customerId?.(status);
    const history = customerId && view?.successState ? { previous: await previousCases(deps.temporal, status.workflowType, customerId, view.successState, workflowId) } : undefined;
    const context = { workflowType: status.workflowType, view, history };
    return html(reply, gatePage(workflowId, status, context, deps.links, user(req), reply.generateCsrf(), flashOf(req.query as { error?: string; ok?: string })));
  });
  app.post('/gates/:workflowId/decide', { preHandler: csrfCheck }, async (req, reply) => {
    const { workflowId } = req.params as { workflowId: string };
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    const back = (error: string) => reply.redirect(`/gates/${encodeURIComponent(workflowId)}?error=${encodeURIComponent(error)}`, 303);
    const who = user(req);
    let status: WorkflowStatus;
    try {
      status = await deps.temporal.workflow.getHandle(workflowId).query(statusQuery);
    } catch (err) {
      return back(`no workflow ${workflowId}: ${(err as Error).message}`);
    }
    const options = status.gate?.options ?? [];
    const decision = options.find((o) => o === body.decision);
    if (!decision) return back(`Choose one of: ${options.join(', ') || 'no option (nothing is awaited)'}`);
    const reason = String(body.reason ?? '').trim();
    if (!reason) return back('Give a reason for the decision');
    const role = rolesAllowed(status).find((r) => who.roles.includes(r));
    if (!role) return reply.code(403).type('text/plain').send(`refused: ${who.username} has none of the roles that may decide this gate now (${rolesAllowed(status).join(', ') || 'none'})`);
    let changes: Record<string, unknown> | undefined;
    try {
      changes = changesFrom(decision, body, deps.registry, status);
    } catch (err) {
      return back((err as Error).message);
    }
    try {
      await decide(deps.temporal, workflowId, {
        gateId: String(body.gateId ?? ''),
        digest: String(body.digest ?? ''),
        decision,
        decidedBy: who.username,
        role,
        reason,
        ...(changes ? { changes } : {}),
        ...(changes && (body.scope === 'customer' || body.scope === 'everyone') ? { scope: body.scope } : {}),
      });
    } catch (err) {
      if (err instanceof DecisionRefusedError) return back(`Refused: ${err.message}`);
      throw err;
    }
    deps.logger.info({ workflowId, decision, role }, 'decision sent');
    return reply.redirect(`/inbox?ok=${encodeURIComponent(`Decided ${workflowId}: ${decision}`)}`, 303);
  });
  app.get('/workflows/:workflowId/timeline', async (req, reply) => {
    const { workflowId } = req.params as { workflowId: string };
    return html(reply, timelinePage(workflowId, await timeline(deps.bus, workflowId), user(req), reply.generateCsrf()));
  });

  registerCorrectionRoutes(app, deps, { csrfCheck, user });

  app.get('/ops', async (req, reply) => {
    const query = req.query as { window?: string; replayed?: string; error?: string };
    const window = query.window && WINDOW_MS[query.window] ? query.window : '1h';
    const view = await gatherOps(deps, WINDOW_MS[window]!);
    const flash = query.error ? { kind: 'error' as const, text: query.error } : query.replayed ? { kind: 'ok' as const, text: `Replayed event ${query.replayed}` } : undefined;
    return reply.type('text/html; charset=utf-8').send(opsPage(view, deps.links, window, flash, reply.generateCsrf()));
  });
  for (const [path, file] of Object.entries(STATIC)) {
    app.get(path, async (_req, reply) => reply.type(file.type).header('cache-control', 'max-age=300').send(file.body));
  }
  app.get('/ops/series', async (req, reply) => {
    const query = req.query as { window?: string };
    const windowMs = WINDOW_MS[query.window ?? '1h'] ?? WINDOW_MS['1h']!;
    if (!deps.prometheusUrl) return reply.code(404).send({ error: 'NO_PROMETHEUS', reason: 'charts need a Prometheus scraping the services (BATON_PROMETHEUS_URL)' });
    try {
      return await chartData(deps.prometheusUrl, windowMs);
    } catch (err) {
      deps.logger.warn({ err: (err as Error).message }, 'Prometheus unreachable for the charts');
      return reply.code(502).send({ error: 'PROMETHEUS_UNREACHABLE', reason: `charts unavailable: ${(err as Error).message}` });
    }
  });
  app.post('/ops/dead-letters/:seq/replay', { preHandler: csrfCheck }, async (req, reply) => {
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
