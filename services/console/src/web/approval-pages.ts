// Server-rendered HTML of the approval console: sign-in, the inbox, one gate with its full
// context and the decision form, and a workflow's timeline. Every value escaped.
import type { AuditRecord } from '@baton/contracts';
import { AWAITING_DECISION, NEEDS_ATTENTION, type AttentionPayload, type ContextRow, type GateView, type WorkflowStatus, type WorkflowView } from '@baton/workflow-kit';
import { RESOLVE_ROLES, changeFieldsOf, type Inbox, type InboxItem, type TrustRow } from './approvals.js';
import type { SignedIn } from './auth.js';
import { esc, workflowLink, type Links } from './pages.js';
import { STYLE } from './style.js';


export function layout(title: string, body: string, user?: SignedIn, csrf?: string): string {
  const nav = user
    ? `<nav><a href="/inbox">Inbox</a><a href="/ops">Operations</a><a href="/corrections">Corrections</a><span id="who">${esc(user.username)} (${esc(user.roles.join(', '))})</span>
 <form method="post" action="/logout"><input type="hidden" name="_csrf" value="${esc(csrf)}"><button type="submit">Sign out</button></form></nav>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Baton · ${esc(title)}</title>${STYLE}</head><body>
${nav}<h1>Baton · ${esc(title)}</h1>
${body}
</body></html>`;
}

type Flash = { kind: 'ok' | 'error'; text: string } | undefined;
const flashHtml = (flash: Flash) => (flash ? `<div class="flash ${flash.kind}" id="flash">${esc(flash.text)}</div>` : '');

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

/** One row of the inbox: an open gate, an escalated problem (resolved here, by role), or a
 *  workflow listed from visibility alone while its orchestrator does not answer. */
function inboxRow(item: InboxItem & { summary: string }, user: SignedIn, csrf: string): string {
  const link = `<a href="/gates/${encodeURIComponent(item.workflowId)}">${esc(item.workflowId)}</a>`;
  const head = `<tr data-workflow="${esc(item.workflowId)}" data-kind="${item.kind}" data-state="${esc(item.state)}">`;
  if (item.kind === 'unanswered') {
    return `${head}<td>${link}</td><td>${esc(item.state)}</td><td>${esc(item.workflowType)}</td><td class="unanswered">details unavailable: no orchestrator answers</td><td>—</td><td>${esc(item.since ?? '')}</td><td>not now</td></tr>`;
  }
  if (item.kind === 'escalation') {
    const attention = item.status.attention!;
    const mayResolve = RESOLVE_ROLES.some((r) => user.roles.includes(r));
    const form = mayResolve
      ? `<form method="post" action="/escalations/${encodeURIComponent(item.workflowId)}/resolve" class="resolve"><input type="hidden" name="_csrf" value="${esc(csrf)}">
<input name="note" placeholder="what was done" required maxlength="2000"><button type="submit">Resolved</button></form>`
      : 'no';
    return `${head}<td>${link}</td><td>escalated</td><td>${esc(item.status.workflowType)}</td><td>${esc(attention.reason)}${item.summary ? ` · ${esc(item.summary)}` : ''}</td>
<td>${esc(RESOLVE_ROLES.join(', '))}</td><td>${esc(attention.since)}</td><td>${form}</td></tr>`;
  }
  const gate = item.status.gate!;
  const mayDecide = gate.tiers.slice(gate.tier).some((t) => user.roles.includes(t.role));
  return `${head}<td>${link}</td><td>${esc(gate.gateType)}</td>
<td>${esc(item.status.workflowType)}</td><td>${esc(item.summary)}</td>
<td>${esc(gate.tiers[gate.tier]?.role)} (tier ${gate.tier + 1} of ${gate.tiers.length})</td><td>${esc(gate.openedAt)}</td><td>${mayDecide ? 'yes' : 'no'}</td></tr>`;
}

export function inboxPage(inbox: Omit<Inbox, 'items'> & { items: Array<InboxItem & { summary: string }> }, trust: TrustRow[], user: SignedIn, csrf: string, flash?: Flash): string {
  const unanswered = inbox.items.filter((i) => i.kind === 'unanswered').length;
  const banner = inbox.unreadable
    ? `<div class="flash error" id="inbox-unreadable">${esc(inbox.unreadable)}</div>`
    : unanswered
      ? `<div class="flash error" id="orchestrator-down">No orchestrator answers: ${unanswered} of ${inbox.items.length} listed from Temporal visibility alone (state and since when); their details, decisions and resolutions wait until the orchestrator runs again.</div>`
      : '';
  const rows = inbox.unreadable
    ? `<tr><td colspan="7" class="empty">unknown: what waits cannot be read now</td></tr>`
    : inbox.items.length
      ? inbox.items.map((item) => inboxRow(item, user, csrf)).join('')
      : `<tr><td colspan="7" class="empty">nothing waits for a person</td></tr>`;
  const trustRows = trust
    .map(
      (t) => `<tr data-gate-type="${esc(t.gateType)}"><td>${esc(t.gateType)}</td><td>${esc(t.workflowType)}</td><td class="num" data-count>${t.count}</td><td class="num">${t.threshold}</td>
<td>${t.policyAllows ? 'allowed' : 'never (a person decides)'}</td><td data-auto class="${t.autoApprove ? 'on' : 'off'}">${t.autoApprove ? 'on' : 'off'}</td></tr>`,
    )
    .join('');
  return layout(
    'approvals',
    `${flashHtml(flash)}
<h2>Waiting for a person</h2>${banner}
<table id="inbox"><tr><th>workflow</th><th>gate</th><th>type</th><th>what</th><th>approvers now</th><th>opened</th><th>you may decide</th></tr>${rows}</table>
<h2>Earned trust per gate type</h2>
<table id="trust"><tr><th>gate type</th><th>workflow</th><th>clean approvals in a row</th><th>threshold</th><th>auto-approval policy</th><th>auto-approval</th></tr>${trustRows}</table>`,
    user,
    csrf,
  );
}

const json = (value: unknown) => `<pre>${esc(JSON.stringify(value, null, 2))}</pre>`;

/** What the gate page needs from the workflow's registration. */
export interface GateContext {
  workflowType: string;
  view: WorkflowView | undefined;
  history: { previous: number } | undefined;
}

/** The rows above the form: the workflow's own context for an approval, the failed step for an
 *  attention gate. */
function contextRows(status: WorkflowStatus, gate: GateView | undefined, ctx: GateContext): ContextRow[] {
  if (gate?.kind === 'attention') {
    const p = gate.payload as AttentionPayload;
    return [
      { label: 'why a person', id: 'attention-reason', emphasis: true, value: p.reason },
      { label: 'failed step', id: 'failed-step', value: `${p.step.stepId} (agent ${p.step.agent}) in state "${p.state}"` },
      { label: 'error', id: 'failed-error', value: `${p.step.errorCode ?? ''}: ${p.step.error}` },
      ...(ctx.view?.context?.(status, ctx.history) ?? []),
    ];
  }
  return ctx.view?.context?.(status, ctx.history) ?? [{ label: 'payload', value: JSON.stringify(gate?.payload ?? {}) }];
}

export function gatePage(workflowId: string, status: WorkflowStatus, ctx: GateContext, links: Links, user: SignedIn, csrf: string, flash?: Flash): string {
  const gate = status.gate;
  const waiting = status.state === AWAITING_DECISION || status.state === NEEDS_ATTENTION;
  const mayDecide = gate?.status === 'open' && waiting && gate.tiers.slice(gate.tier).some((t) => user.roles.includes(t.role));
  const role = gate ? gate.tiers.slice(gate.tier).map((t) => t.role).find((r) => user.roles.includes(r)) : undefined;
  const steps = status.steps
    .map((s) => `<tr><td>${esc(s.stepId)}</td><td>${esc(s.agent)}</td><td>${esc(s.kind)}</td><td>${esc(s.status)}</td><td>${esc(s.finishedAt ?? s.startedAt)}</td><td>${s.output !== undefined ? json(s.output) : esc(s.error ?? '')}</td></tr>`)
    .join('');
  const attention = gate?.kind === 'attention' ? (gate.payload as AttentionPayload) : undefined;
  const fields = gate && gate.kind === 'approval' ? changeFieldsOf(ctx.view, gate, status) : [];
  const fieldHtml = fields
    .map((f) => `<label>${esc(f.label)} <input name="${esc(f.name)}" type="${f.type}"${f.min !== undefined ? ` min="${f.min}"` : ''}${f.max !== undefined ? ` max="${f.max}"` : ''}${f.maxLength !== undefined ? ` maxlength="${f.maxLength}"` : ''}></label>`)
    .join('\n ');
  const attentionFields = attention
    ? `<label>Corrected input (with correct-input), JSON <textarea name="input" class="code">${esc(JSON.stringify(attention.step.input, null, 2))}</textarea></label>
 ${gate!.options.includes('supply-output') ? `<label>The step's output (with supply-output), JSON <textarea name="output" class="code">${esc(JSON.stringify(attention.step.details ?? {}, null, 2))}</textarea></label>` : ''}`
    : '';
  const form = mayDecide
    ? `<form method="post" action="/gates/${encodeURIComponent(workflowId)}/decide" id="decide"><fieldset><legend>Your decision (as ${esc(role)})</legend>
 <input type="hidden" name="_csrf" value="${esc(csrf)}"><input type="hidden" name="gateId" value="${esc(gate!.gateId)}"><input type="hidden" name="digest" value="${esc(gate!.digest)}">
 ${gate!.options.map((o, i) => `<label><input type="radio" name="decision" value="${esc(o)}"${i === 0 ? ' checked' : ''}> ${esc(o)}</label>`).join('')}
 ${fieldHtml}
 ${attentionFields}
 ${fields.length || attention ? `<label>A correction applies to <select name="scope"><option value="customer">this customer</option><option value="everyone">everyone</option></select></label>` : ''}
 <label>Reason <textarea name="reason" required maxlength="2000"></textarea></label>
 <button type="submit">Send decision</button></fieldset></form>`
    : `<p id="cannot-decide" class="empty">${gate?.status === 'open' ? `Only ${esc(gate.tiers.slice(gate.tier).map((t) => t.role).join(' or '))} may decide now.` : 'No decision is awaited.'}</p>`;
  const rows = contextRows(status, gate, ctx)
    .map((r) => `<tr><th>${esc(r.label)}</th><td${r.id ? ` id="${esc(r.id)}"` : ''}${r.emphasis ? ' class="allergy"' : ''}>${esc(r.value)}</td></tr>`)
    .join('\n');
  return layout(
    `gate ${gate?.gateType ?? ''}`,
    `${flashHtml(flash)}
<p>Workflow <strong id="workflow-id">${esc(workflowId)}</strong> (${esc(ctx.workflowType)}) · state <strong id="state">${esc(status.state)}</strong> since ${esc(status.stateSince)} ·
 <a href="/workflows/${encodeURIComponent(workflowId)}/timeline">timeline</a> · <a href="${esc(workflowLink(links, workflowId))}">Temporal</a></p>
<h2>The decision</h2>
<table id="context">
<tr><th>gate</th><td>${esc(gate?.gateType)} · ${esc(gate?.gateId)}</td></tr>
${rows}
<tr><th>approvers</th><td>${esc(gate?.tiers.map((t, i) => `${i + 1}. ${t.role} (${Math.round(t.timeoutMs / 1000)} s)`).join(' → ') ?? '')}, then the safe default: ${esc(gate?.safeDefault ?? '')}${gate?.escalations.length ? ` · escalated: ${esc(gate.escalations.map((e) => `${e.role} at ${e.at}`).join(', '))}` : ''}</td></tr>
<tr><th>digest</th><td><code id="digest">${esc(gate?.digest)}</code></td></tr>
</table>
${form}
${attention ? `<h2>The failed step's input</h2><div id="failed-input">${json(attention.step.input)}</div>${attention.step.details !== undefined ? `<h2>What the agent made of it</h2><div id="failed-details">${json(attention.step.details)}</div>` : ''}` : `<h2>What is decided</h2>${json(gate?.payload ?? {})}`}
<h2>Steps so far</h2>
<table id="steps"><tr><th>step</th><th>agent</th><th>kind</th><th>status</th><th>at</th><th>output</th></tr>${steps}</table>
<h2>Progress</h2>
<p class="empty">Live from the workflow's progress stream: the state above follows it.</p>
<ol id="progress" data-src="/workflows/${encodeURIComponent(workflowId)}/progress"></ol>
<script src="/static/progress.js" defer></script>`,
    user,
    csrf,
  );
}

export function timelinePage(workflowId: string, records: Array<AuditRecord & { publishedBy: string }>, user: SignedIn, csrf: string): string {
  const rows = records.length
    ? records
        .map((r) => `<tr data-kind="${esc(r.kind)}" data-published-by="${esc(r.publishedBy)}"><td>${esc(r.at)}</td><td>${esc(r.kind)}</td><td>${esc(r.actor)}</td><td>${esc(r.publishedBy)}</td><td>${esc(r.subject)}</td><td>${esc(r.reason)}</td><td>${json(r.detail)}</td></tr>`)
        .join('')
    : `<tr><td colspan="7" class="empty">no audit records for this workflow</td></tr>`;
  return layout(
    'timeline',
    `<p>Workflow <strong>${esc(workflowId)}</strong> · <a href="/gates/${encodeURIComponent(workflowId)}">gate</a> · from the audit stream, which denies delete and purge</p>
<table id="timeline"><tr><th>when</th><th>what</th><th>who</th><th>published by</th><th>about</th><th>why</th><th>detail</th></tr>${rows}</table>`,
    user,
    csrf,
  );
}
