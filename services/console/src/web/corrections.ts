// The corrections page: what people corrected in agents' readings at gates (who, when, the input,
// the wrong reading and the right one, for one customer or everyone), in force or revoked, and
// revoking one (audited; it stays in the record).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Bus } from '@baton/bus';
import type { Logger } from '@baton/telemetry';
import { CorrectionNotFoundError, CorrectionStore, correctedFields, type Correction } from '@baton/corrections';
import { layout } from './approval-pages.js';
import type { SignedIn } from './auth.js';
import { esc } from './pages.js';

export function correctionsPage(
  all: Correction[],
  user: SignedIn,
  csrf: string,
  flash?: { kind: 'ok' | 'error'; text: string },
): string {
  const shown = (c: Correction, from: Record<string, unknown>) =>
    esc(JSON.stringify(Object.fromEntries(correctedFields(c).map((f) => [f, from[f]]))));
  const rows = all.length
    ? all
        .map(
          (
            c,
          ) => `<tr data-correction="${esc(c.id)}" class="${c.revoked ? 'revoked' : 'in-force'}"><td><code>${esc(c.id)}</code></td><td>${esc(c.at)}</td><td>${esc(c.by)}</td><td>${esc(c.agent)}</td>
<td>${c.scope === 'customer' ? `customer ${esc(c.subject)}` : 'everyone'}</td><td>${esc(c.input)}</td><td><code>${shown(c, c.wrong)}</code></td><td><code>${shown(c, c.right)}</code></td>
<td><a href="/workflows/${encodeURIComponent(c.workflowId)}/timeline">${esc(c.workflowId)}</a></td>
<td>${
            c.revoked
              ? `revoked by ${esc(c.revoked.by)} at ${esc(c.revoked.at)}: ${esc(c.revoked.reason)}`
              : `<form method="post" action="/corrections/${encodeURIComponent(c.id)}/revoke"><input type="hidden" name="_csrf" value="${esc(csrf)}"><input name="reason" required maxlength="2000" placeholder="why"> <button type="submit">Revoke</button></form>`
          }</td></tr>`,
        )
        .join('')
    : `<tr><td colspan="10" class="empty">no corrections yet</td></tr>`;
  return layout(
    'corrections',
    `${flash ? `<div class="flash ${flash.kind}" id="flash">${esc(flash.text)}</div>` : ''}
<p>What people corrected in agents' readings at gates. A correction in force is used the next time a similar input arrives (for that customer, or everyone).</p>
<table id="corrections"><tr><th>id</th><th>when</th><th>who</th><th>agent</th><th>applies to</th><th>input</th><th>read</th><th>corrected to</th><th>workflow</th><th>state</th></tr>${rows}</table>`,
    user,
    csrf,
  );
}

export function registerCorrectionRoutes(
  app: FastifyInstance,
  deps: { bus: Bus; logger: Logger },
  web: {
    csrfCheck: (req: FastifyRequest, reply: FastifyReply, done: () => void) => void;
    user: (req: FastifyRequest) => SignedIn;
  },
): void {
  // Opened on first use: the console starts (and its unit tests run) without touching the bucket.
  let opened: Promise<CorrectionStore> | undefined;
  const store = () =>
    (opened ??= CorrectionStore.open(deps.bus).catch((err: unknown) => {
      opened = undefined;
      throw err;
    }));
  app.get('/corrections', async (req, reply) => {
    const query = req.query as { ok?: string; error?: string };
    const flash = query.error
      ? { kind: 'error' as const, text: query.error }
      : query.ok
        ? { kind: 'ok' as const, text: query.ok }
        : undefined;
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(correctionsPage(await (await store()).list(), web.user(req), reply.generateCsrf(), flash));
  });
  app.post('/corrections/:id/revoke', { preHandler: web.csrfCheck }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const reason = String((req.body as { reason?: string } | undefined)?.reason ?? '').trim();
    if (!reason)
      return reply.redirect(`/corrections?error=${encodeURIComponent('Give a reason to revoke a correction')}`, 303);
    try {
      await (await store()).revoke(id, web.user(req).username, reason);
    } catch (err) {
      if (err instanceof CorrectionNotFoundError)
        return reply.redirect(`/corrections?error=${encodeURIComponent(err.message)}`, 303);
      throw err;
    }
    deps.logger.info({ correctionId: id }, 'correction revoked');
    return reply.redirect(`/corrections?ok=${encodeURIComponent(`Revoked ${id}`)}`, 303);
  });
}
