// The console's web server: sign-in, the approval inbox, gates with their context and the
// decision form, workflow timelines from the audit trail, and the operations views. Every page
// but sign-in needs a session; every form carries a CSRF token, and a POST must also come from
// the console's own origin. Hardening (issue 14): sign-in rate limits and lockout, sessions in
// JetStream KV (shared by replicas, kept over a restart), security headers with a content
// security policy (no inline script), sign-ins and sign-outs on the audit stream, the operations
// views for operators only, no redirect off the site after sign-in, nothing cached, and the CLI's
// decisions authenticated as a person (POST /api/decisions/<workflowId> with Basic credentials).
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import formbody from '@fastify/formbody';
import cookie from '@fastify/cookie';
import session from '@fastify/session';
import csrf from '@fastify/csrf-protection';
import helmet from '@fastify/helmet';
import type { SessionStore } from '@fastify/session';
import { randomUUID } from 'node:crypto';
import { auditKinds, subjects, type AuditKind } from '@baton/contracts';
import { ProgressSse, parseLastEventId, publishJson } from '@baton/bus';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { Bus } from '@baton/bus';
import type { Logger } from '@baton/telemetry';
import { type GateOption, type Registry, type WorkflowStatus } from '@baton/workflow-kit';
import {
  decide,
  DecisionRefusedError,
  OrchestratorUnavailableError,
  isClosed,
  readStatus,
  resolve,
} from '../decisions.js';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gatherOps, replayDeadLetter, ReplayError } from './ops.js';
import { chartData } from './series.js';
import { opsPage, type Links } from './pages.js';
import { signIn, type ConsoleUser, type SignedIn } from './auth.js';
import {
  RESOLVE_ROLES,
  changeFieldsOf,
  previousCases,
  rolesAllowed,
  timeline,
  trustRows,
  waitingForPeople,
} from './approvals.js';
import { gatePage, inboxPage, loginPage, timelinePage } from './approval-pages.js';
import { registerCorrectionRoutes } from './corrections.js';
import { CODEC_PREFIX, registerCodecEndpoint } from './codec.js';
import { TEMPORAL_UI_CHECK, registerTemporalUiCheck } from './temporal-ui.js';
import { OPERATOR_ROLE } from './roles.js';
import type { InboxLive } from './live.js';
import { registerAccountRoutes, type AccountStore } from './account.js';
import { SignInLimits, type SignInLimitOptions } from './sign-in-limits.js';

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
    /** Where sessions live (KvSessionStore in the service); none: this process's memory. */
    sessionStore?: SessionStore;
    /** Lockout and attempt caps of the sign-in (defaults: 5 wrong in 15 minutes, 30 a minute). */
    limits?: Partial<SignInLimitOptions>;
  };
  /** Reverse proxies (addresses, CIDR ranges) whose X-Forwarded-For names the client: sign-in
   *  limits key on that address. None (the default): the peer's own address, whatever it sends. */
  trustedProxies?: readonly string[];
  /** Sign-ins, refusals and sign-outs go to the audit stream (none: not recorded, unit tests). */
  audit?: boolean;
  /** Decodes Temporal payloads for the Temporal UI (POST /codec/decode); none: no endpoint. */
  codec?: PayloadCodec;
  /** Shown beside the trust counts when the orchestrator has not counted a gate type yet. */
  trustThreshold: number;
  /** The zone of the clock times on the pages (an IANA name); none: the process's own. */
  timeZone?: string | undefined;
  /** Tells open inbox pages that what waits changed (the service follows the gate notices);
   *  none: the pages do not refresh themselves (GET /inbox/events answers 404). */
  live?: InboxLive;
  /** Where people's own settings (their channels) are kept; none: no account page. */
  accounts?: AccountStore;
}

/** Pages anyone may open: sign-in, the health check, and the Temporal UI's sign-in check (which
 *  answers 401 itself rather than redirecting). */
const PUBLIC = new Set(['/health', '/login', TEMPORAL_UI_CHECK]);

/** Where to go after sign-in: a path on this site, never another host. Browsers read `\` as `/`,
 *  so `/\evil.example` is as off-site as `//evil.example`; control characters are refused too.
 *  The one exception: an address on one of `origins` (the Temporal UI, whose sign-in is the
 *  console's), kept whole. */
export function safeNext(next: unknown, origins: readonly string[] = []): string {
  if (typeof next === 'string' && URL.canParse(next) && !/[\\\u0000-\u001f\u007f]/.test(next)) {
    const url = new URL(next);
    if (origins.includes(url.origin)) return url.href;
  }
  if (
    typeof next !== 'string' ||
    !next.startsWith('/') ||
    /[\\\u0000-\u001f\u007f]/.test(next) ||
    next.startsWith('//')
  )
    return '/inbox';
  const base = 'http://console.invalid';
  const url = new URL(next, base);
  return url.origin === base ? `${url.pathname}${url.search}${url.hash}` : '/inbox';
}

/** The address a request came from (Fastify's socket address; no proxy headers are trusted). */
const addressOf = (req: FastifyRequest) => req.ip || 'unknown';

function flashOf(query: { error?: string; ok?: string }) {
  return query.error
    ? { kind: 'error' as const, text: query.error }
    : query.ok
      ? { kind: 'ok' as const, text: query.ok }
      : undefined;
}

/** The changes a decision carries, from the form: the workflow's change fields (approve with
 *  changes), or the JSON of a corrected input or of a step's output (attention gate). */
function changesFrom(
  decision: GateOption,
  body: Record<string, string | undefined>,
  registry: Registry,
  status: WorkflowStatus,
): Record<string, unknown> | undefined {
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
  '/static/uplot.js': {
    type: 'text/javascript; charset=utf-8',
    body: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js')),
  },
  '/static/uplot.css': {
    type: 'text/css; charset=utf-8',
    body: readFileSync(require.resolve('uplot/dist/uPlot.min.css')),
  },
  '/static/ops-charts.js': {
    type: 'text/javascript; charset=utf-8',
    body: readFileSync(new URL('../../static/ops-charts.js', import.meta.url)),
  },
  '/static/progress.js': {
    type: 'text/javascript; charset=utf-8',
    body: readFileSync(new URL('../../static/progress.js', import.meta.url)),
  },
  '/static/inbox-live.js': {
    type: 'text/javascript; charset=utf-8',
    body: readFileSync(new URL('../../static/inbox-live.js', import.meta.url)),
  },
};

/** A workflow's status for a person about to act on it, or why it cannot be read, with the HTTP
 *  answer that says so: 404 only for a workflow that does not exist; 503 naming the cause when
 *  the workflow exists but no orchestrator answers (or Temporal itself does not). */
type StatusRead =
  | { ok: true; status: WorkflowStatus }
  | { ok: false; http: 404 | 409 | 503; error: string; reason: string };
async function statusForPerson(temporal: Client, workflowId: string): Promise<StatusRead> {
  try {
    const status = await readStatus(temporal, workflowId);
    if (isClosed(status))
      return {
        ok: false,
        http: 409,
        error: 'REFUSED',
        reason: `${workflowId} is not waiting for anyone: it closed (${status.closed.status}) in state "${status.state ?? '?'}"`,
      };
    return { ok: true, status };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError)
      return { ok: false, http: 404, error: 'NOT_FOUND', reason: `no workflow ${workflowId}` };
    if (err instanceof OrchestratorUnavailableError)
      return {
        ok: false,
        http: 503,
        error: err.code,
        reason: `${err.message}. Nothing was delivered: try again once the orchestrator runs`,
      };
    return {
      ok: false,
      http: 503,
      error: 'TEMPORAL_UNAVAILABLE',
      reason: `Temporal did not answer about ${workflowId}: ${(err as Error).message}`,
    };
  }
}

const WINDOW_MS: Record<string, number> = {
  '15m': 15 * 60_000,
  '1h': 3600_000,
  '24h': 24 * 3600_000,
  '7d': 7 * 24 * 3600_000,
};

export async function createConsoleServer(deps: ConsoleDeps): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.logger.child({}, { level: 'warn' }) as FastifyBaseLogger,
    bodyLimit: 256 * 1024,
    // req.ip is the client's address only behind a configured proxy; otherwise the peer's.
    trustProxy: deps.trustedProxies?.length ? [...deps.trustedProxies] : false,
  });
  const limits = new SignInLimits({
    lockoutAttempts: 5,
    lockoutMs: 15 * 60_000,
    attemptsPerMinute: 30,
    ...deps.auth.limits,
  });
  const audit = async (kind: AuditKind, actor: string, reason: string, detail: Record<string, unknown>) => {
    if (!deps.audit) return;
    const id = randomUUID();
    await publishJson(
      deps.bus.js,
      subjects.audit(deps.bus.name, kind),
      { id, kind, at: new Date().toISOString(), actor, subject: 'console', reason, detail },
      { msgID: `audit:${id}` },
    );
  };
  await app.register(helmet, {
    // Same-origin scripts only (the ops charts load /static files), no inline script; the one
    // stylesheet is inline. Forms post to the console alone; no framing.
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'connect-src': ["'self'"],
        // The Temporal UI's origin too: sign-in sends a person back there (a redirect after a form
        // POST is held to form-action).
        'form-action': ["'self'", new URL(deps.links.temporalUi).origin],
        'frame-ancestors': ["'none'"],
        'base-uri': ["'none'"],
        'object-src': ["'none'"],
      },
    },
    strictTransportSecurity: deps.auth.secureCookies,
    // Not helmet's no-referrer: under it browsers send `Origin: null` with a form POST, and the
    // same-origin check above needs the real origin. Nothing leaves the site in a Referer.
    referrerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: false, // the Temporal UI reads the codec endpoint cross-origin (CORS decides)
  });
  // Pages show payloads (guests' names, allergies) and session-bound tokens: nothing is cached.
  app.addHook('onSend', async (_req, reply) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });
  await app.register(formbody);
  await app.register(cookie);
  await app.register(session, {
    secret: deps.auth.sessionSecret,
    cookieName: 'baton_session',
    // Absolute expiry: a session is not extended by use.
    rolling: false,
    saveUninitialized: false,
    cookie: {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure: deps.auth.secureCookies,
      maxAge: deps.auth.sessionTtlMs,
    },
    ...(deps.auth.sessionStore ? { store: deps.auth.sessionStore } : {}),
  });
  await app.register(csrf, { sessionPlugin: '@fastify/session' });

  app.addHook('onRequest', async (req, reply) => {
    if (req.method !== 'POST') return;
    // The codec endpoint is called cross-origin by the Temporal UI: CORS admits that origin only,
    // and it changes nothing.
    if (req.url.startsWith(`${CODEC_PREFIX}/`)) return;
    // The CLI's API: Basic credentials in each request, JSON only (a cross-site form cannot send it).
    if (req.url.startsWith('/api/')) return;
    const origin = req.headers.origin;
    if (!origin || !URL.canParse(origin) || new URL(origin).host !== req.headers.host)
      return reply.code(403).send({ error: 'FORBIDDEN', reason: 'cross-origin POST refused' });
  });
  // No anonymous page, no anonymous decision.
  app.addHook('preHandler', async (req, reply) => {
    const path = req.url.split('?')[0]!;
    if (PUBLIC.has(path) || path.startsWith('/api/') || req.session.user) return;
    if (req.method === 'GET') return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
    return reply.code(401).send({ error: 'UNAUTHENTICATED', reason: 'sign in first' });
  });
  const csrfCheck = (req: FastifyRequest, reply: FastifyReply, done: () => void) =>
    app.csrfProtection(req, reply, done);

  /** Password check behind the limits, recorded in the audit trail either way. */
  type SignInResult = { ok: true; who: SignedIn } | { ok: false; reason: string; retryAfterS?: number };
  const checkedSignIn = async (
    username: string,
    password: string,
    address: string,
    via: 'web' | 'api',
  ): Promise<SignInResult> => {
    const tried = (username || '(none)').slice(0, 100); // whatever was typed, bounded, for the audit trail
    const gate = await limits.before(username, address);
    if (!gate.ok) {
      deps.logger.warn({ username: tried, address, via }, 'sign-in refused: limited');
      await audit(auditKinds.signInRefused, tried, gate.reason, { address, via, limited: true });
      return { ok: false, reason: gate.reason, retryAfterS: gate.retryAfterS };
    }
    const who = await signIn(deps.auth.users, username, password);
    const lockedNow = await limits.after(username, address, Boolean(who));
    if (!who) {
      deps.logger.warn({ username: tried, address, via, lockedNow }, 'sign-in refused');
      await audit(
        auditKinds.signInRefused,
        tried,
        lockedNow ? 'wrong password; too many in a row: locked out' : 'unknown user or wrong password',
        { address, via, lockedOut: lockedNow },
      );
      return { ok: false, reason: 'Unknown user or wrong password' };
    }
    deps.logger.info({ username, roles: who.roles, via }, 'signed in');
    await audit(
      auditKinds.signedIn,
      who.username,
      via === 'web' ? 'signed in' : 'authenticated a decision from the command line',
      { roles: who.roles, address, via },
    );
    return { ok: true, who };
  };
  const user = (req: FastifyRequest) => req.session.user!;
  const html = (reply: FastifyReply, body: string) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);
  const clock = () => ({ now: new Date(), timeZone: deps.timeZone });

  if (deps.codec) await registerCodecEndpoint(app, deps.codec, deps.links.temporalUi);
  registerTemporalUiCheck(app);
  // After sign-in a person may be sent back to the Temporal UI they came from (its own origin).
  const nextOf = (next: unknown) => safeNext(next, [new URL(deps.links.temporalUi).origin]);
  app.get('/health', async () => ({ ok: true }));
  app.get('/', async (_req, reply) => reply.redirect('/inbox'));

  app.get('/login', async (req, reply) => {
    const query = req.query as { next?: string; error?: string };
    // No CSRF token here: it would live in a session, and an anonymous visit must write nothing
    // (a flood of GET /login would fill the session bucket). A cross-site sign-in is refused by
    // the same-origin check every form POST passes (onRequest above), which needs no state.
    return html(reply, loginPage(nextOf(query.next), query.error ? { kind: 'error', text: query.error } : undefined));
  });
  app.post('/login', async (req, reply) => {
    const body = (req.body ?? {}) as { username?: string; password?: string; next?: string };
    const username = String(body.username ?? '');
    const result = await checkedSignIn(username, String(body.password ?? ''), addressOf(req), 'web');
    if (!result.ok) {
      if (result.retryAfterS) reply.header('retry-after', String(result.retryAfterS));
      return reply.redirect(
        `/login?error=${encodeURIComponent(result.reason)}&next=${encodeURIComponent(nextOf(body.next))}`,
        303,
      );
    }
    // A fresh session id at sign-in: a planted session cannot be carried into a signed-in one.
    await req.session.regenerate();
    req.session.user = result.who;
    return reply.redirect(nextOf(body.next), 303);
  });
  app.post('/logout', { preHandler: csrfCheck }, async (req, reply) => {
    const who = req.session.user;
    await req.session.destroy();
    if (who) await audit(auditKinds.signedOut, who.username, 'signed out', { roles: who.roles });
    return reply.redirect('/login', 303);
  });

  app.get('/inbox', async (req, reply) => {
    // Trust counts live in NATS: a NATS outage leaves the table empty, never the inbox.
    const [inbox, trust] = await Promise.all([
      waitingForPeople(deps.temporal),
      trustRows(deps.bus, deps.registry, deps.trustThreshold).catch(() => []),
    ]);
    const summarised = inbox.items.map((item) => ({
      ...item,
      summary:
        item.kind === 'unanswered'
          ? ''
          : (deps.registry.workflow(item.status.workflowType)?.view?.summary?.(item.status) ?? ''),
    }));
    return html(
      reply,
      inboxPage(
        { ...inbox, items: summarised },
        trust,
        user(req),
        reply.generateCsrf(),
        flashOf(req.query as { error?: string; ok?: string }),
        clock(),
      ),
    );
  });
  // The inbox page's live updates (server-sent events): an event each time a gate opened, moved
  // to its next tier or closed; the page's script fetches the inbox again.
  app.get('/inbox/events', async (_req, reply) => {
    if (!deps.live)
      return reply
        .code(404)
        .send({ error: 'NO_LIVE_UPDATES', reason: 'this console does not follow the gate notices' });
    deps.live.serve(reply);
    return reply;
  });
  // An escalated problem (an undo that failed, a customer not told) is dealt with by hand; a
  // person with a role that takes over failed steps says so here, and the workflow finishes.
  app.post('/escalations/:workflowId/resolve', { preHandler: csrfCheck }, async (req, reply) => {
    const { workflowId } = req.params as { workflowId: string };
    const note = String((req.body as { note?: string } | undefined)?.note ?? '').trim();
    const back = (error: string) => reply.redirect(`/inbox?error=${encodeURIComponent(error)}`, 303);
    const who = user(req);
    if (!RESOLVE_ROLES.some((r) => who.roles.includes(r)))
      return reply
        .code(403)
        .type('text/plain')
        .send(
          `refused: ${who.username} has none of the roles that may resolve an escalation (${RESOLVE_ROLES.join(', ')})`,
        );
    if (!note) return back('Say what was done to resolve it');
    const read = await statusForPerson(deps.temporal, workflowId);
    if (!read.ok) return back(read.reason);
    const attention = read.status.attention;
    if (!attention || attention.resolution)
      return back(`${workflowId} has nothing escalated to resolve (state "${read.status.state}")`);
    // The escalation's own roles when it names them (the workflow checks the role again).
    const role = (attention.roles ?? RESOLVE_ROLES).find((r) => who.roles.includes(r));
    if (!role)
      return reply
        .code(403)
        .type('text/plain')
        .send(
          `refused: ${who.username} has none of the roles that may resolve this (${(attention.roles ?? RESOLVE_ROLES).join(', ')})`,
        );
    try {
      await resolve(deps.temporal, workflowId, { resolvedBy: who.username, role, note });
    } catch (err) {
      if (err instanceof DecisionRefusedError) return back(`Refused: ${err.message}`);
      throw err;
    }
    deps.logger.info({ workflowId, by: who.username }, 'escalation resolved');
    await audit(auditKinds.escalationResolved, who.username, note, { workflowId, roles: who.roles });
    return reply.redirect(`/inbox?ok=${encodeURIComponent(`Resolved ${workflowId}`)}`, 303);
  });
  app.get('/gates/:workflowId', async (req, reply) => {
    const { workflowId } = req.params as { workflowId: string };
    const read = await statusForPerson(deps.temporal, workflowId);
    if (!read.ok) return reply.redirect(`/inbox?error=${encodeURIComponent(read.reason)}`, 303);
    const status = read.status;
    const view = deps.registry.workflow(status.workflowType)?.view;
    const customerId = view?.customerId?.(status);
    const history =
      customerId && view?.successState
        ? {
            previous: await previousCases(
              deps.temporal,
              status.workflowType,
              customerId,
              view.successState,
              workflowId,
            ),
          }
        : undefined;
    const context = { workflowType: status.workflowType, view, history };
    return html(
      reply,
      gatePage(
        workflowId,
        status,
        context,
        deps.links,
        user(req),
        reply.generateCsrf(),
        flashOf(req.query as { error?: string; ok?: string }),
        clock(),
      ),
    );
  });
  app.post('/gates/:workflowId/decide', { preHandler: csrfCheck }, async (req, reply) => {
    const { workflowId } = req.params as { workflowId: string };
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    const back = (error: string) =>
      reply.redirect(`/gates/${encodeURIComponent(workflowId)}?error=${encodeURIComponent(error)}`, 303);
    const who = user(req);
    const read = await statusForPerson(deps.temporal, workflowId);
    if (!read.ok) return back(read.reason);
    const status = read.status;
    const options = status.gate?.options ?? [];
    const decision = options.find((o) => o === body.decision);
    // Nothing is chosen for a person: no option is pre-selected, and a form without a choice
    // (an older page, a script) is refused, never read as the first option.
    if (!decision) {
      return back(
        options.length
          ? `Nothing was decided: choose what to do (${options.join(', ')}); no option is chosen for you`
          : 'Nothing was decided: no decision is awaited here',
      );
    }
    const reason = String(body.reason ?? '').trim();
    if (!reason) return back('Give a reason for the decision');
    const role = rolesAllowed(status).find((r) => who.roles.includes(r));
    if (!role)
      return reply
        .code(403)
        .type('text/plain')
        .send(
          `refused: ${who.username} has none of the roles that may decide this gate now (${rolesAllowed(status).join(', ') || 'none'})`,
        );
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
  // The CLI's API: the person signs in with each request (Basic credentials, the same limits and
  // audit as the form), and the role comes from their account, never from the caller.
  const refuseWith = (reply: FastifyReply) => (status: number, error: string, reason: string) =>
    reply.code(status).send({ error, reason });
  const apiSignIn = async (req: FastifyRequest, reply: FastifyReply): Promise<SignedIn | undefined> => {
    const refuse = refuseWith(reply);
    const basic = /^Basic ([A-Za-z0-9+/=]+)$/.exec(req.headers.authorization ?? '');
    const pair = basic ? Buffer.from(basic[1]!, 'base64').toString('utf8') : '';
    const colon = pair.indexOf(':');
    if (colon < 1) {
      await refuse(
        401,
        'UNAUTHENTICATED',
        'send Basic credentials of a console user (the baton CLI reads BATON_CONSOLE_PASSWORD)',
      );
      return undefined;
    }
    const result = await checkedSignIn(pair.slice(0, colon), pair.slice(colon + 1), addressOf(req), 'api');
    if (!result.ok) {
      if (result.retryAfterS) reply.header('retry-after', String(result.retryAfterS));
      await refuse(
        result.retryAfterS ? 429 : 401,
        result.retryAfterS ? 'LOCKED_OUT' : 'UNAUTHENTICATED',
        result.reason,
      );
      return undefined;
    }
    return result.who;
  };
  // A workflow's status for a person's request, or the refusal sent: 404 for no such workflow, 409
  // for a closed one, 503 with Retry-After when no orchestrator answers (nothing was delivered).
  const statusOrRefuse = async (workflowId: string, reply: FastifyReply): Promise<WorkflowStatus | undefined> => {
    const read = await statusForPerson(deps.temporal, workflowId);
    if (read.ok) return read.status;
    if (read.http === 503) reply.header('retry-after', '30');
    await refuseWith(reply)(read.http, read.error, read.reason);
    return undefined;
  };
  // The gate the CLI shows before it decides: the decision it sends names this gate and digest.
  app.get('/api/gates/:workflowId', async (req, reply) => {
    const { workflowId } = req.params as { workflowId: string };
    const who = await apiSignIn(req, reply);
    if (!who) return reply;
    const status = await statusOrRefuse(workflowId, reply);
    if (!status) return reply;
    const gate = status.gate?.status === 'open' ? status.gate : undefined;
    if (!gate)
      return refuseWith(reply)(
        409,
        'NOTHING_AWAITED',
        `${workflowId} is not waiting for a decision: it is in state "${status.state}"`,
      );
    const shown = {
      gateId: gate.gateId,
      gateType: gate.gateType,
      digest: gate.digest,
      options: gate.options,
      tier: gate.tier,
      tiers: gate.tiers,
      payload: gate.payload,
    };
    return {
      workflowId,
      workflowType: status.workflowType,
      state: status.state,
      gate: shown,
      rolesAllowed: rolesAllowed(status),
    };
  });
  app.post('/api/decisions/:workflowId', async (req, reply) => {
    const { workflowId } = req.params as { workflowId: string };
    const refuse = refuseWith(reply);
    const who = await apiSignIn(req, reply);
    if (!who) return reply;
    const result = { who };
    const body = (req.body ?? {}) as {
      decision?: unknown;
      reason?: unknown;
      changes?: unknown;
      gateId?: unknown;
      digest?: unknown;
    };
    // Bound to what the person was shown: a gate that changed since is refused by the workflow.
    if (typeof body.gateId !== 'string' || typeof body.digest !== 'string' || !body.gateId || !body.digest) {
      return refuse(
        400,
        'UNBOUND',
        'a decision names the gate and the digest of what was shown (GET /api/gates/<workflowId>; the baton CLI does this)',
      );
    }
    const status = await statusOrRefuse(workflowId, reply);
    if (!status) return reply;
    const options = status.gate?.status === 'open' ? status.gate.options : [];
    const decision = options.find((o) => o === body.decision);
    if (!decision)
      return refuse(409, 'NOT_AN_OPTION', `choose one of: ${options.join(', ') || 'no option (nothing is awaited)'}`);
    const role = rolesAllowed(status).find((r) => result.who.roles.includes(r));
    if (!role)
      return refuse(
        403,
        'FORBIDDEN',
        `${result.who.username} has none of the roles that may decide this gate now (${rolesAllowed(status).join(', ') || 'none'})`,
      );
    const changes =
      body.changes && typeof body.changes === 'object' && !Array.isArray(body.changes)
        ? (body.changes as Record<string, unknown>)
        : undefined;
    try {
      const after = await decide(deps.temporal, workflowId, {
        gateId: body.gateId,
        digest: body.digest,
        decision,
        decidedBy: result.who.username,
        role,
        reason: typeof body.reason === 'string' ? body.reason : '',
        ...(changes ? { changes } : {}),
      });
      deps.logger.info({ workflowId, decision, role, via: 'api' }, 'decision sent');
      return { workflowId, decision, decidedBy: result.who.username, role, state: after.state };
    } catch (err) {
      if (err instanceof DecisionRefusedError) return refuse(409, 'REFUSED', err.message);
      if (err instanceof OrchestratorUnavailableError)
        return refuse(503, err.code, `${err.message}. Nothing was delivered: try again once the orchestrator runs`);
      throw err;
    }
  });

  // The CLI's resolutions (baton resolve): a signed-in person, with a role of their account that
  // may take failed steps over; the workflow checks the role again. Temporal takes the resolve
  // update from the console's identity only, so the CLI comes here.
  app.post('/api/resolutions/:workflowId', async (req, reply) => {
    const { workflowId } = req.params as { workflowId: string };
    const refuse = refuseWith(reply);
    const who = await apiSignIn(req, reply);
    if (!who) return reply;
    const status = await statusOrRefuse(workflowId, reply);
    if (!status) return reply;
    if (!status.attention || status.attention.resolution)
      return refuse(409, 'NOTHING_AWAITED', `${workflowId} has nothing escalated to resolve (state "${status.state}")`);
    const allowed = status.attention.roles;
    const role = allowed ? allowed.find((r) => who.roles.includes(r)) : who.roles[0];
    if (!role)
      return refuse(
        403,
        'FORBIDDEN',
        `${who.username} has none of the roles that may resolve this (${allowed?.join(', ') ?? 'none'})`,
      );
    const body = (req.body ?? {}) as { note?: unknown };
    try {
      const after = await resolve(deps.temporal, workflowId, {
        resolvedBy: who.username,
        role,
        note: typeof body.note === 'string' ? body.note.slice(0, 2000) : '',
      });
      deps.logger.info({ workflowId, role, via: 'api' }, 'resolution sent');
      return { workflowId, resolvedBy: who.username, role, state: after.state };
    } catch (err) {
      if (err instanceof DecisionRefusedError) return refuse(409, 'REFUSED', err.message);
      throw err;
    }
  });

  // The workflow page follows the workflow's progress live (static/progress.js): the same stream
  // the gateway serves its requester, read here for a signed-in person.
  const progress = new ProgressSse(deps.bus, deps.logger, { keepAliveMs: 15_000, openTimeoutMs: 5_000 });
  app.addHook('preClose', (done) => {
    progress.closeAll();
    done();
  });
  app.get('/workflows/:workflowId/progress', async (req, reply) => {
    const { workflowId } = req.params as { workflowId: string };
    const last = typeof req.headers['last-event-id'] === 'string' ? req.headers['last-event-id'] : undefined;
    if (parseLastEventId(last) === 'invalid')
      return reply
        .code(400)
        .send({ error: 'BAD_LAST_EVENT_ID', reason: 'Last-Event-ID must be the id of an event this stream sent' });
    reply.hijack();
    await progress.serve(reply.raw, workflowId, last);
  });

  app.get('/workflows/:workflowId/timeline', async (req, reply) => {
    const { workflowId } = req.params as { workflowId: string };
    return html(
      reply,
      timelinePage(workflowId, await timeline(deps.bus, workflowId), user(req), reply.generateCsrf(), clock()),
    );
  });

  registerCorrectionRoutes(app, deps, { csrfCheck, user });
  registerAccountRoutes(app, deps, { csrfCheck, user });

  const operatorOnly = async (req: FastifyRequest, reply: FastifyReply) => {
    const who = user(req);
    if (!who.roles.includes(OPERATOR_ROLE)) {
      return reply
        .code(403)
        .type('text/plain; charset=utf-8')
        .send(
          `refused: ${who.username} does not have the ${OPERATOR_ROLE} role the operations views and dead-letter replay need`,
        );
    }
  };
  app.get('/ops', { preHandler: operatorOnly }, async (req, reply) => {
    const query = req.query as { window?: string; replayed?: string; error?: string };
    const window = query.window && WINDOW_MS[query.window] ? query.window : '1h';
    const view = await gatherOps(deps, WINDOW_MS[window]!);
    const flash = query.error
      ? { kind: 'error' as const, text: query.error }
      : query.replayed
        ? { kind: 'ok' as const, text: `Replayed event ${query.replayed}` }
        : undefined;
    return reply.type('text/html; charset=utf-8').send(opsPage(view, deps.links, window, flash, reply.generateCsrf()));
  });
  for (const [path, file] of Object.entries(STATIC)) {
    app.get(path, async (_req, reply) => reply.type(file.type).header('cache-control', 'max-age=300').send(file.body));
  }
  app.get('/ops/series', { preHandler: operatorOnly }, async (req, reply) => {
    const query = req.query as { window?: string };
    const windowMs = WINDOW_MS[query.window ?? '1h'] ?? WINDOW_MS['1h']!;
    if (!deps.prometheusUrl)
      return reply.code(404).send({
        error: 'NO_PROMETHEUS',
        reason: 'charts need a Prometheus scraping the services (BATON_PROMETHEUS_URL)',
      });
    try {
      return await chartData(deps.prometheusUrl, windowMs);
    } catch (err) {
      deps.logger.warn({ err: (err as Error).message }, 'Prometheus unreachable for the charts');
      return reply
        .code(502)
        .send({ error: 'PROMETHEUS_UNREACHABLE', reason: `charts unavailable: ${(err as Error).message}` });
    }
  });
  // The CLI's replay (`baton events replay`): the operator signs in with the request, as the CLI's
  // decisions do (Basic credentials, the same limits and audit), and must hold the operator role.
  app.post('/api/dead-letters/:seq/replay', async (req, reply) => {
    const refuse = (status: number, error: string, reason: string) => reply.code(status).send({ error, reason });
    const basic = /^Basic ([A-Za-z0-9+/=]+)$/.exec(req.headers.authorization ?? '');
    const pair = basic ? Buffer.from(basic[1]!, 'base64').toString('utf8') : '';
    const colon = pair.indexOf(':');
    if (colon < 1)
      return refuse(
        401,
        'UNAUTHENTICATED',
        'send Basic credentials of a console user with the operator role (baton events replay reads BATON_CONSOLE_PASSWORD or --password-file)',
      );
    const result = await checkedSignIn(pair.slice(0, colon), pair.slice(colon + 1), addressOf(req), 'api');
    if (!result.ok) {
      if (result.retryAfterS) reply.header('retry-after', String(result.retryAfterS));
      return refuse(
        result.retryAfterS ? 429 : 401,
        result.retryAfterS ? 'LOCKED_OUT' : 'UNAUTHENTICATED',
        result.reason,
      );
    }
    if (!result.who.roles.includes(OPERATOR_ROLE))
      return refuse(
        403,
        'FORBIDDEN',
        `${result.who.username} does not have the ${OPERATOR_ROLE} role a dead-letter replay needs: ask an operator`,
      );
    const seq = Number((req.params as { seq: string }).seq);
    if (!Number.isSafeInteger(seq) || seq < 1)
      return refuse(
        400,
        'BAD_SEQUENCE',
        "the dead letter's sequence is a positive whole number (baton events tail shows it)",
      );
    const payload = (req.body as { payload?: unknown } | undefined)?.payload;
    try {
      const replayed = await replayDeadLetter(deps.bus, seq, typeof payload === 'string' ? payload : undefined);
      deps.logger.info({ seq, eventId: replayed.eventId, by: result.who.username, via: 'api' }, 'dead letter replayed');
      return { seq, ...replayed, replayedBy: result.who.username };
    } catch (err) {
      if (err instanceof ReplayError) return refuse(409, 'NOT_REPLAYABLE', err.message);
      throw err;
    }
  });
  app.post('/ops/dead-letters/:seq/replay', { preHandler: [operatorOnly, csrfCheck] }, async (req, reply) => {
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
