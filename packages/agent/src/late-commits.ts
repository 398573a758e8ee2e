// Effects whose outcome can arrive late. An external system may commit a request after its
// answer, or after the caller gave up, so a lookup by reference that finds nothing proves
// nothing: the request may still be in flight. The rule every agent follows:
// - to learn an earlier attempt's outcome (its `reconcile`), cancel what is pending under the
//   reference (`cancelReference(..., 'pending')`: the system refuses those commits from now on)
//   and take what the same answer says is committed: that is final, and a new attempt may run;
// - to undo by reference (a compensation that never learned the effect's id), cancel the
//   reference for good (`'all'`): nothing can commit under it afterwards, so "nothing found" is
//   final, and what is found is undone;
// - several effects under one reference (two charges for one deposit) are never kept silently:
//   `keepOne` keeps the first, undoes the rest and raises the alarm (metric
//   baton_effect_duplicates_total, an error log line, a span event).
// The simulators implement the cancellation (packages/simulator/src/server.ts, POST /cancellations).
import { batonMetrics } from '@baton/telemetry';
import type { AgentContext } from './define.js';

/** Where an external system takes cancellations by reference. */
export interface ReferenceSystem {
  system: string;
  baseUrl: string;
  timeoutMs: number;
}

/** What a cancellation answers: what was committed under the reference when it was cancelled,
 *  by kind of record (`charges`, `holds`, `reservations`, `messages`). */
export interface Cancellation {
  reference: string;
  all: boolean;
  committed: Record<string, Array<Record<string, unknown>>>;
}

/** Cancel-before-create: `pending` refuses commits of requests sent before now (a retry learning
 *  the first attempt's outcome); `all` refuses every later commit (an undo). */
export function cancelReference(
  ctx: Pick<AgentContext, 'callExternal'>,
  at: ReferenceSystem,
  reference: string,
  scope: 'pending' | 'all',
): Promise<Cancellation> {
  return ctx.callExternal<Cancellation>({
    system: at.system,
    method: 'POST',
    url: `${at.baseUrl}/cancellations`,
    body: { reference, scope },
    timeoutMs: at.timeoutMs,
  });
}

/** The effects of one kind a cancellation found committed, oldest first. */
export function committedOf<R>(
  cancellation: Cancellation,
  kind: string,
  live: (record: R) => boolean = () => true,
): R[] {
  const records = (cancellation.committed[kind] ?? []) as unknown as Array<
    R & { createdAt?: unknown; sentAt?: unknown }
  >;
  const at = (r: { createdAt?: unknown; sentAt?: unknown }) => String(r.createdAt ?? r.sentAt ?? '');
  return records.filter(live).sort((a, b) => at(a).localeCompare(at(b)));
}

/** Keeps the first of the effects found under one reference; undoes the others and raises the
 *  alarm. Returns the one kept (undefined when none was found). */
export async function keepOne<R>(
  ctx: Pick<AgentContext, 'logger' | 'span' | 'workflowId' | 'stepId'>,
  labels: { agent: string; effect: string; reference: string },
  found: R[],
  undo: (extra: R) => Promise<void>,
): Promise<R | undefined> {
  const [kept, ...extra] = found;
  if (extra.length === 0) return kept;
  batonMetrics().effectDuplicates.add(extra.length, { 'baton.agent': labels.agent, 'baton.effect': labels.effect });
  ctx.span.addEvent('effect duplicates undone', {
    'baton.effect': labels.effect,
    'baton.effect.duplicates': extra.length,
  });
  ctx.logger.error(
    { effect: labels.effect, reference: labels.reference, found: found.length },
    'several effects under one reference: keeping the first, undoing the rest',
  );
  for (const e of extra) await undo(e);
  return kept;
}
