// Server-rendered HTML of the operations views: no front-end build, every value escaped.
import type { OpsView } from './ops.js';
import { STYLE } from './style.js';

export interface Links {
  temporalUi: string;
  namespace: string;
  traceUi: string;
  /** Which UI traceUi is (default jaeger): their search pages differ. */
  traceUiKind?: 'jaeger' | 'zipkin';
}

export function esc(value: unknown): string {
  return String(value ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

const ms = (s?: number) => (s === undefined ? '–' : `${(s * 1000).toFixed(s < 0.1 ? 1 : 0)} ms`);

export function workflowLink(links: Links, workflowId: string): string {
  return `${links.temporalUi}/namespaces/${encodeURIComponent(links.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

/** The trace UI's search for the traces of this workflow (its spans carry baton.workflow.id). */
export function traceLink(links: Links, workflowId: string): string {
  if (links.traceUiKind === 'zipkin')
    return `${links.traceUi}/zipkin/?annotationQuery=${encodeURIComponent(`baton.workflow.id=${workflowId}`)}&lookback=7d&limit=10`;
  return `${links.traceUi}/search?service=gateway&tags=${encodeURIComponent(JSON.stringify({ 'baton.workflow.id': workflowId }))}`;
}

const WINDOWS: Array<[string, string]> = [
  ['15m', '15 minutes'],
  ['1h', '1 hour'],
  ['24h', '24 hours'],
  ['7d', '7 days'],
];

export function opsPage(
  view: OpsView,
  links: Links,
  window: string,
  flash: { kind: 'ok' | 'error'; text: string } | undefined,
  csrf: string,
): string {
  const rows = <T>(items: T[], cells: (item: T) => string, empty: string, span: number) =>
    items.length
      ? items.map((i) => `<tr>${cells(i)}</tr>`).join('')
      : `<tr><td colspan="${span}" class="empty">${esc(empty)}</td></tr>`;
  const states = [...new Set(view.outcomes.flatMap((o) => Object.keys(o.counts)))];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Baton · operations</title>
${STYLE}<link rel="stylesheet" href="/static/uplot.css">
<script src="/static/uplot.js" defer></script><script src="/static/ops-charts.js" defer></script></head><body>
<nav aria-label="Console"><a href="/inbox">Approvals</a></nav>
<main><h1>Baton · operations</h1>
<nav aria-label="Time window">Window: ${WINDOWS.map(([w, label]) => (w === window ? `<strong>${label}</strong>` : `<a href="/ops?window=${w}">${label}</a>`)).join(' ')}</nav>
${flash ? `<div class="flash ${flash.kind}" id="flash">${esc(flash.text)}</div>` : ''}
${view.unreachable.length ? `<p class="flash error">Metrics unreachable from: ${esc(view.unreachable.join(', '))}</p>` : ''}

<h2>Over time</h2>
<section id="charts" data-window="${esc(window)}"><div id="chart-success" class="chart"></div><div id="chart-latency" class="chart"></div></section>

<h2>Success rate per workflow type</h2>
<div class="scroll"><table id="outcomes"><tr><th>workflow type</th><th>success</th>${states.map((s) => `<th>${esc(s)}</th>`).join('')}</tr>
${view.outcomes
  .map(
    (o) =>
      `<tr data-workflow-type="${esc(o.workflowType)}"><td>${esc(o.workflowType)}</td><td class="num" data-success>${o.successRate === undefined ? '–' : `${(o.successRate * 100).toFixed(1)}%`}</td>${states.map((s) => `<td class="num">${o.counts[s] ?? '–'}</td>`).join('')}</tr>`,
  )
  .join('\n')}</table></div>

<h2>Step latency per agent</h2>
<div class="scroll"><table id="latency"><tr><th>agent</th><th>tasks</th><th>p50</th><th>p95</th><th>p99</th></tr>
${rows(view.latency, (l) => `<td>${esc(l.agent)}</td><td class="num">${l.count}</td><td class="num">${ms(l.p50)}</td><td class="num">${ms(l.p95)}</td><td class="num">${ms(l.p99)}</td>`, 'no tasks yet', 5)}</table></div>

<h2>Failures by cause</h2>
<div class="scroll"><table id="failures"><tr><th>agent</th><th>error code</th><th>count</th></tr>
${rows(view.errors, (e) => `<td>${esc(e.agent)}</td><td>${esc(e.code)}</td><td class="num">${e.count}</td>`, 'no failures', 3)}</table></div>

<h2>Circuit breakers</h2>
<div class="scroll"><table id="breakers"><tr><th>external system</th><th>agent</th><th>state</th></tr>
${rows(view.breakers, (b) => `<td>${esc(b.system)}</td><td>${esc(b.agent)}</td><td class="${esc(b.state)}">${esc(b.state)}</td>`, 'no external calls yet', 3)}</table></div>

<h2>Approvers told</h2>
<div class="scroll"><table id="approver-deliveries"><tr><th>channel</th><th>outcome</th><th>count</th></tr>
${rows(view.approverDeliveries ?? [], (d) => `<td>${esc(d.channel)}</td><td class="${esc(d.outcome)}">${esc(d.outcome)}</td><td class="num">${d.count}</td>`, 'nobody told yet', 3)}</table></div>

<h2>Stuck workflows</h2>
<div class="scroll"><table id="stuck"><tr><th>workflow</th><th>state</th><th>since</th><th>links</th></tr>
${rows(view.stuck, (s) => `<td>${esc(s.workflowId)}</td><td>${esc(s.state)}</td><td>${esc(s.since)}</td><td><a href="${esc(workflowLink(links, s.workflowId))}">Temporal</a> <a href="${esc(traceLink(links, s.workflowId))}">trace</a></td>`, 'nothing is stuck', 4)}</table></div>

<h2>Dead letters</h2>
<div class="scroll"><table id="dead-letters"><tr><th>#</th><th>refused by</th><th>reason</th><th>received</th><th>replay</th></tr>
${rows(
  view.deadLetters,
  (d) =>
    `<td class="num">${d.seq}</td><td>${esc(d.rejectedBy)}</td><td class="reason">${esc(d.reason)}</td><td>${esc(d.receivedAt)}</td><td>${
      d.rejectedBy === 'gateway'
        ? `<form method="post" action="/ops/dead-letters/${d.seq}/replay"><input type="hidden" name="_csrf" value="${esc(csrf)}"><textarea name="payload" aria-label="payload of dead letter ${d.seq}">${esc(d.payload)}</textarea><br><button type="submit">Replay #${d.seq}</button></form>`
        : 'replay from the workflow'
    }</td>`,
  'no dead letters',
  5,
)}</table></div>
</main></body></html>`;
}
