// Server-rendered HTML of the approval console: sign-in, the inbox, one gate with its full
// context and the decision form, and a workflow's timeline. Every value escaped.
import type { AuditRecord } from '@baton/contracts';
import {
  AWAITING_DECISION,
  NEEDS_ATTENTION,
  type AttentionPayload,
  type ContextRow,
  type GateView,
  type WorkflowStatus,
  type WorkflowView,
} from '@baton/workflow-kit';
import { RESOLVE_ROLES, changeFieldsOf, type Inbox, type InboxItem, type TrustRow } from './approvals.js';
import type { SignedIn } from './auth.js';
import { esc, workflowLink, type Links } from './pages.js';
import { STYLE } from './style.js';
import { approversInWords, clockTime, momentInWords, tiersInWords, withArticle } from './words.js';

export function layout(title: string, body: string, user?: SignedIn, csrf?: string, scripts: string[] = []): string {
  const nav = user
    ? `<nav aria-label="Console"><a href="/inbox">Inbox</a><a href="/ops">Operations</a><a href="/corrections">Corrections</a><a href="/account">Account</a><span id="who">${esc(user.username)} (${esc(user.roles.join(', '))})</span>
 <form method="post" action="/logout"><input type="hidden" name="_csrf" value="${esc(csrf)}"><button type="submit">Sign out</button></form></nav>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Baton · ${esc(title)}</title>${STYLE}${scripts.map((src) => `<script src="${esc(src)}" defer></script>`).join('')}</head><body>
${nav}<main><h1>Baton · ${esc(title)}</h1>
${body}
</main></body></html>`;
}

type Flash = { kind: 'ok' | 'error'; text: string } | undefined;
const flashHtml = (flash: Flash) =>
  flash ? `<div class="flash ${flash.kind}" id="flash">${esc(flash.text)}</div>` : '';

export function loginPage(next: string, flash?: Flash): string {
  return layout(
    'sign in',
    `${flashHtml(flash)}<form method="post" action="/login" id="login">
 <input type="hidden" name="next" value="${esc(next)}">
 <label>User <input name="username" autocomplete="username" required></label>
 <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
 <button type="submit">Sign in</button></form>`,
  );
}

/** When a page is drawn and in which time zone its clock times are read. */
export interface Clock {
  now: Date;
  /** An IANA zone (the console's BATON_CONSOLE_TIME_ZONE); none: the process's own. */
  timeZone?: string | undefined;
}

const at = (iso: string | undefined, clock: Clock) =>
  iso ? `<time datetime="${esc(iso)}">${esc(clockTime(new Date(iso), clock.now, clock.timeZone))}</time>` : '';

/** One cell of a table that becomes a card on a phone: its label shows beside the value there. */
const cell = (label: string, content: string, attrs = '') => `<td data-label="${esc(label)}"${attrs}>${content}</td>`;

/** One row of the inbox: an open gate, an escalated problem (resolved here, by role), or a
 *  workflow listed from visibility alone while its orchestrator does not answer. */
function inboxRow(item: InboxItem & { summary: string }, user: SignedIn, csrf: string, clock: Clock): string {
  const link = `<a href="/gates/${encodeURIComponent(item.workflowId)}">${esc(item.workflowId)}</a>`;
  const head = `<tr data-workflow="${esc(item.workflowId)}" data-kind="${item.kind}" data-state="${esc(item.state)}">`;
  if (item.kind === 'unanswered') {
    return `${head}${cell('workflow', link)}${cell('gate', esc(item.state))}${cell('type', esc(item.workflowType))}${cell('what', 'details unavailable: no orchestrator answers', ' class="unanswered"')}${cell('who decides now', '—')}${cell('since', at(item.since, clock))}${cell('you may act', 'not now')}</tr>`;
  }
  if (item.kind === 'escalation') {
    const attention = item.status.attention!;
    const mayResolve = RESOLVE_ROLES.some((r) => user.roles.includes(r));
    const form = mayResolve
      ? `<form method="post" action="/escalations/${encodeURIComponent(item.workflowId)}/resolve" class="resolve"><input type="hidden" name="_csrf" value="${esc(csrf)}">
<label>What was done <input name="note" required maxlength="2000"></label><button type="submit">Resolved</button></form>`
      : 'no';
    return `${head}${cell('workflow', link)}${cell('gate', 'escalated')}${cell('type', esc(item.status.workflowType))}${cell('what', `${esc(attention.reason)}${item.summary ? ` · ${esc(item.summary)}` : ''}`)}
${cell('who decides now', esc(RESOLVE_ROLES.join(', ')))}${cell('since', at(attention.since, clock))}${cell('you may act', form)}</tr>`;
  }
  const gate = item.status.gate!;
  const mayDecide = gate.tiers.slice(gate.tier).some((t) => user.roles.includes(t.role));
  const current = gate.tiers[gate.tier];
  const until = current
    ? `${esc(withArticle(current.role))} until ${esc(momentInWords(new Date(new Date(gate.tierSince).getTime() + current.timeoutMs), clock.now, clock.timeZone))}`
    : '';
  return `${head}${cell('workflow', link)}${cell('gate', esc(gate.gateType))}
${cell('type', esc(item.status.workflowType))}${cell('what', esc(item.summary))}
${cell('who decides now', until)}${cell('since', at(gate.openedAt, clock))}${cell('you may act', mayDecide ? 'yes' : 'no')}</tr>`;
}

export function inboxPage(
  inbox: Omit<Inbox, 'items'> & { items: Array<InboxItem & { summary: string }> },
  trust: TrustRow[],
  user: SignedIn,
  csrf: string,
  flash?: Flash,
  clock: Clock = { now: new Date() },
): string {
  const unanswered = inbox.items.filter((i) => i.kind === 'unanswered').length;
  const banner = inbox.unreadable
    ? `<div class="flash error" id="inbox-unreadable">${esc(inbox.unreadable)}</div>`
    : unanswered
      ? `<div class="flash error" id="orchestrator-down">No orchestrator answers: ${unanswered} of ${inbox.items.length} listed from Temporal visibility alone (state and since when); their details, decisions and resolutions wait until the orchestrator runs again.</div>`
      : '';
  const rows = inbox.unreadable
    ? `<tr><td colspan="7" class="empty">unknown: what waits cannot be read now</td></tr>`
    : inbox.items.length
      ? inbox.items.map((item) => inboxRow(item, user, csrf, clock)).join('')
      : `<tr><td colspan="7" class="empty">nothing waits for a person</td></tr>`;
  const trustRows = trust
    .map(
      (
        t,
      ) => `<tr data-gate-type="${esc(t.gateType)}">${cell('gate type', esc(t.gateType))}${cell('workflow', esc(t.workflowType))}${cell('clean approvals in a row', String(t.count), ' class="num" data-count')}${cell('threshold', String(t.threshold), ' class="num"')}
${cell('auto-approval policy', t.policyAllows ? 'allowed' : 'never (a person decides)')}${cell('auto-approval', t.autoApprove ? 'on' : 'off', ` data-auto class="${t.autoApprove ? 'on' : 'off'}"`)}</tr>`,
    )
    .join('');
  return layout(
    'approvals',
    `${flashHtml(flash)}
<h2>Waiting for a person</h2>${banner}
<p class="live" id="live" aria-live="polite">Drawn at ${esc(clockTime(clock.now, clock.now, clock.timeZone))}; this list refreshes itself when a gate opens or closes.</p>
<div id="inbox-list"><table id="inbox" class="cards"><thead><tr><th>workflow</th><th>gate</th><th>type</th><th>what</th><th>who decides now</th><th>since</th><th>you may act</th></tr></thead><tbody>${rows}</tbody></table></div>
<h2>Earned trust per gate type</h2>
<table id="trust" class="cards"><thead><tr><th>gate type</th><th>workflow</th><th>clean approvals in a row</th><th>threshold</th><th>auto-approval policy</th><th>auto-approval</th></tr></thead><tbody>${trustRows}</tbody></table>`,
    user,
    csrf,
    ['/static/inbox-live.js'],
  );
}

const json = (value: unknown) => `<pre>${esc(JSON.stringify(value, null, 2))}</pre>`;
/** Raw JSON behind a disclosure: closed by default, a summary that says what it holds. */
const disclosed = (summary: string, value: unknown, id?: string) =>
  `<details${id ? ` id="${esc(id)}"` : ''}><summary>${esc(summary)}</summary>${json(value)}</details>`;

/** What the gate page needs from the workflow's registration. */
export interface GateContext {
  workflowType: string;
  view: WorkflowView | undefined;
  history: { previous: number } | undefined;
}

/** The rows under the form: the workflow's own context for an approval, the failed step for an
 *  attention gate. */
function contextRows(status: WorkflowStatus, gate: GateView | undefined, ctx: GateContext): ContextRow[] {
  if (gate?.kind === 'attention') {
    const p = gate.payload as AttentionPayload;
    return [
      { label: 'why a person', id: 'attention-reason', emphasis: true, value: p.reason },
      {
        label: 'failed step',
        id: 'failed-step',
        value: `${p.step.stepId} (agent ${p.step.agent}) in state "${p.state}"`,
      },
      { label: 'error', id: 'failed-error', value: `${p.step.errorCode ?? ''}: ${p.step.error}` },
      ...(ctx.view?.context?.(status, ctx.history) ?? []),
    ];
  }
  return ctx.view?.context?.(status, ctx.history) ?? [{ label: 'payload', value: JSON.stringify(gate?.payload ?? {}) }];
}

/** The decision form: nothing chosen for the person (every option unchecked; the console refuses
 *  a decision without one), the workflow's change fields, the reason. */
function decisionForm(
  workflowId: string,
  gate: GateView,
  status: WorkflowStatus,
  ctx: GateContext,
  role: string | undefined,
  csrf: string,
): string {
  const attention = gate.kind === 'attention' ? (gate.payload as AttentionPayload) : undefined;
  const fields = gate.kind === 'approval' ? changeFieldsOf(ctx.view, gate, status) : [];
  const fieldHtml = fields
    .map(
      (f) =>
        `<label>${esc(f.label)} <input name="${esc(f.name)}" type="${f.type}"${f.min !== undefined ? ` min="${f.min}"` : ''}${f.max !== undefined ? ` max="${f.max}"` : ''}${f.maxLength !== undefined ? ` maxlength="${f.maxLength}"` : ''}></label>`,
    )
    .join('\n ');
  const attentionFields = attention
    ? `<label>Corrected input (with correct-input), JSON <textarea name="input" class="code">${esc(JSON.stringify(attention.step.input, null, 2))}</textarea></label>
 ${gate.options.includes('supply-output') ? `<label>The step's output (with supply-output), JSON <textarea name="output" class="code">${esc(JSON.stringify(attention.step.details ?? {}, null, 2))}</textarea></label>` : ''}`
    : '';
  const changes = fields.length
    ? `<div class="changes"><p class="hint">With approve-with-changes:</p>${fieldHtml}</div>`
    : '';
  return `<form method="post" action="/gates/${encodeURIComponent(workflowId)}/decide" id="decide"><fieldset><legend>Your decision (as ${esc(role)})</legend>
 <input type="hidden" name="_csrf" value="${esc(csrf)}"><input type="hidden" name="gateId" value="${esc(gate.gateId)}"><input type="hidden" name="digest" value="${esc(gate.digest)}">
 <div class="options" role="radiogroup" aria-label="decision">${gate.options.map((o, i) => `<label class="option"><input type="radio" name="decision" value="${esc(o)}"${i === 0 ? ' required' : ''}> ${esc(o)}</label>`).join('')}</div>
 ${changes}
 ${attentionFields}
 ${fields.length || attention ? `<label>A correction applies to <select name="scope"><option value="customer">this customer</option><option value="everyone">everyone</option></select></label>` : ''}
 <label>Reason <textarea name="reason" required maxlength="2000"></textarea></label>
 <button type="submit">Send decision</button></fieldset></form>`;
}

/** One gate, for a phone first: who decides until when, the form, then the context rows, and the
 *  raw JSON (what is decided, each step's output) behind disclosures. */
export function gatePage(
  workflowId: string,
  status: WorkflowStatus,
  ctx: GateContext,
  links: Links,
  user: SignedIn,
  csrf: string,
  flash?: Flash,
  clock: Clock = { now: new Date() },
): string {
  const gate = status.gate;
  const waiting = status.state === AWAITING_DECISION || status.state === NEEDS_ATTENTION;
  const mayDecide =
    gate?.status === 'open' && waiting && gate.tiers.slice(gate.tier).some((t) => user.roles.includes(t.role));
  const role = gate
    ? gate.tiers
        .slice(gate.tier)
        .map((t) => t.role)
        .find((r) => user.roles.includes(r))
    : undefined;
  const steps = status.steps
    .map(
      (s) =>
        `<tr>${cell('step', esc(s.stepId))}${cell('agent', esc(s.agent))}${cell('kind', esc(s.kind))}${cell('status', esc(s.status))}${cell('at', at(s.finishedAt ?? s.startedAt, clock))}${cell('output', s.output !== undefined ? disclosed('output (JSON)', s.output) : esc(s.error ?? ''))}</tr>`,
    )
    .join('');
  const attention = gate?.kind === 'attention' ? (gate.payload as AttentionPayload) : undefined;
  const form = mayDecide
    ? decisionForm(workflowId, gate!, status, ctx, role, csrf)
    : `<p id="cannot-decide" class="empty">${
        gate?.status === 'open'
          ? `Only ${esc(
              gate.tiers
                .slice(gate.tier)
                .map((t) => t.role)
                .join(' or '),
            )} may decide now.`
          : 'No decision is awaited.'
      }</p>`;
  const rows = contextRows(status, gate, ctx)
    .map(
      (r) =>
        `<tr><th scope="row">${esc(r.label)}</th><td${r.id ? ` id="${esc(r.id)}"` : ''}${r.emphasis ? ' class="allergy"' : ''}>${esc(r.value)}</td></tr>`,
    )
    .join('\n');
  const who = gate
    ? gate.status === 'open'
      ? approversInWords(gate, clock.now, clock.timeZone)
      : `${tiersInWords(gate)}; ${gate.status}${gate.decidedBy ? ` by ${gate.decidedBy}` : ''}${gate.decidedAt ? ` at ${clockTime(new Date(gate.decidedAt), clock.now, clock.timeZone)}` : ''}`
    : '';
  const escalated = gate?.escalations.length
    ? ` Escalated: ${gate.escalations.map((e) => `to ${withArticle(e.role)} at ${clockTime(new Date(e.at), clock.now, clock.timeZone)}`).join(', ')}.`
    : '';
  return layout(
    `gate ${gate?.gateType ?? ''}`,
    `${flashHtml(flash)}
<p class="lead">Workflow <strong id="workflow-id">${esc(workflowId)}</strong> (${esc(ctx.workflowType)}) · state <strong id="state">${esc(status.state)}</strong> since ${at(status.stateSince, clock)}</p>
<p id="approvers" class="approvers">Who decides: ${esc(who)}.${esc(escalated)}</p>
${form}
<h2>What the decision is about</h2>
<table id="context" class="pairs">
<tr><th scope="row">gate</th><td>${esc(gate?.gateType)} · ${esc(gate?.gateId)}</td></tr>
${rows}
<tr><th scope="row">digest</th><td><code id="digest">${esc(gate?.digest)}</code></td></tr>
</table>
${attention ? `<h2>The failed step</h2><div id="failed-input">${disclosed("the step's input (JSON)", attention.step.input)}</div>${attention.step.details !== undefined ? `<div id="failed-details">${disclosed('what the agent made of it (JSON)', attention.step.details)}</div>` : ''}` : disclosed('What is decided, as JSON', gate?.payload ?? {}, 'payload')}
<h2>Steps so far</h2>
<table id="steps" class="cards"><thead><tr><th>step</th><th>agent</th><th>kind</th><th>status</th><th>at</th><th>output</th></tr></thead><tbody>${steps}</tbody></table>
<h2>Progress</h2>
<p class="empty">Live from the workflow's progress stream: the state above follows it.</p>
<ol id="progress" data-src="/workflows/${encodeURIComponent(workflowId)}/progress"></ol>
<script src="/static/progress.js" defer></script>
<p><a href="/workflows/${encodeURIComponent(workflowId)}/timeline">Timeline</a> · <a href="${esc(workflowLink(links, workflowId))}">Temporal</a></p>`,
    user,
    csrf,
  );
}

export function timelinePage(
  workflowId: string,
  records: Array<AuditRecord & { publishedBy: string }>,
  user: SignedIn,
  csrf: string,
  clock: Clock = { now: new Date() },
): string {
  const rows = records.length
    ? records
        .map(
          (r) =>
            `<tr data-kind="${esc(r.kind)}" data-published-by="${esc(r.publishedBy)}">${cell('when', at(r.at, clock))}${cell('what', esc(r.kind))}${cell('who', esc(r.actor))}${cell('published by', esc(r.publishedBy))}${cell('about', esc(r.subject))}${cell('why', esc(r.reason))}${cell('detail', disclosed('detail (JSON)', r.detail))}</tr>`,
        )
        .join('')
    : `<tr><td colspan="7" class="empty">no audit records for this workflow</td></tr>`;
  return layout(
    'timeline',
    `<p>Workflow <strong>${esc(workflowId)}</strong> · <a href="/gates/${encodeURIComponent(workflowId)}">gate</a> · from the audit stream, which denies delete and purge</p>
<table id="timeline" class="cards"><thead><tr><th>when</th><th>what</th><th>who</th><th>published by</th><th>about</th><th>why</th><th>detail</th></tr></thead><tbody>${rows}</tbody></table>`,
    user,
    csrf,
  );
}
