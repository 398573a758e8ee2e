// What the approval pages show: what waits for a person (Temporal visibility, then each
// workflow's status when an orchestrator answers), a workflow's timeline (the audit stream), and
// earned trust per gate type.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { AuditRecord, auditPublisherOf, streams } from '@baton/contracts';
import { openTrust, readStream, type Bus } from '@baton/bus';
import { VisibilityUnavailableError, pending, type WaitingRow } from '../decisions.js';
import {
  AWAITING_DECISION,
  DEFAULT_ATTENTION_TIERS,
  DEFAULT_TRUST_THRESHOLD,
  NEEDS_ATTENTION,
  statusQuery,
  type ChangeField,
  type GateView,
  type Registry,
  type TrustRecord,
  type WorkflowStatus,
  type WorkflowView,
} from '@baton/workflow-kit/internal';

/** One workflow waiting for a person: an open gate, an escalated problem (nothing to decide, a
 *  person finishes it by hand and resolves it), or one whose orchestrator did not answer (listed
 *  from visibility alone: its state and since when, without details). */
export type InboxItem =
  | (WaitingRow & { kind: 'gate' | 'escalation'; status: WorkflowStatus })
  | (WaitingRow & { kind: 'unanswered'; reason: string });

export interface Inbox {
  items: InboxItem[];
  /** Set when visibility could not be read: what waits is unknown (never shown as nothing). */
  unreadable?: string;
}

/** How long the inbox waits for each workflow's status (all at once) before it lists the
 *  workflow from visibility alone: the page stays fast while no orchestrator runs. */
export const INBOX_QUERY_DEADLINE_MS = 800;

/** Roles that may resolve an escalated problem: those who take over a failed step. */
export const RESOLVE_ROLES: readonly string[] = [...new Set(DEFAULT_ATTENTION_TIERS.map((t) => t.role))];

/** Everything waiting for a person, of any registered type, oldest first. */
export async function waitingForPeople(
  temporal: Client,
  limit = 200,
  deadlineMs = INBOX_QUERY_DEADLINE_MS,
): Promise<Inbox> {
  let rows: WaitingRow[];
  try {
    rows = await pending(temporal, limit);
  } catch (err) {
    if (err instanceof VisibilityUnavailableError) return { items: [], unreadable: err.message };
    throw err;
  }
  const items = await Promise.all(
    rows.map(async (row): Promise<InboxItem | undefined> => {
      try {
        const status = await temporal.withDeadline(Date.now() + deadlineMs, () =>
          temporal.workflow.getHandle(row.workflowId).query(statusQuery),
        );
        const waiting = status.state === AWAITING_DECISION || status.state === NEEDS_ATTENTION;
        if (waiting && status.gate?.status === 'open') return { ...row, kind: 'gate', status };
        if (status.state === NEEDS_ATTENTION && status.attention && !status.attention.resolution)
          return { ...row, kind: 'escalation', status };
        return undefined; // visibility lags the workflow by a moment: it no longer waits
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return undefined;
        return {
          ...row,
          kind: 'unanswered',
          reason: `no orchestrator answered within ${deadlineMs / 1000} s: ${(err as Error).message}`,
        };
      }
    }),
  );
  return { items: items.filter((i): i is InboxItem => i !== undefined) };
}

/** How many of the customer's earlier workflows of this type ended in `successState`. */
export async function previousCases(
  temporal: Client,
  workflowType: string,
  customerId: string,
  successState: string,
  exceptWorkflowId: string,
): Promise<number> {
  const quote = (s: string) => `"${s.replace(/["\\]/g, '')}"`;
  const { count } = await temporal.workflow.count(
    `BatonWorkflowType = ${quote(workflowType)} AND BatonCustomer = ${quote(customerId)} AND BatonState = ${quote(successState)} AND WorkflowId != ${quote(exceptWorkflowId)}`,
  );
  return count;
}

/** What approve-with-changes may change at this gate, as the workflow's view declares it. */
export function changeFieldsOf(view: WorkflowView | undefined, gate: GateView, status: WorkflowStatus): ChangeField[] {
  const fields = view?.changeFields;
  return typeof fields === 'function' ? fields(gate, status) : (fields ?? []);
}

/** Roles that may decide a gate now: the current tier's and every tier above. */
export function rolesAllowed(status: WorkflowStatus): string[] {
  const gate = status.gate;
  return gate ? gate.tiers.slice(gate.tier).map((t) => t.role) : [];
}

/** An audit record with the identity that published it, read from its subject (NATS lets each
 *  identity publish under its own name only; a body cannot say who sent it). */
export type PublishedRecord = AuditRecord & { publishedBy: string };

/** The audit records of one workflow, oldest first (records carry the workflow id in their body,
 *  not their subject). A record whose subject does not match its kind, or an agent's record that
 *  is not one of its tool calls, is not shown: it cannot have been published by anyone entitled to. */
export async function timeline(bus: Bus, workflowId: string): Promise<PublishedRecord[]> {
  const records = await readStream(bus, streams.audit, { parse: (v) => AuditRecord.safeParse(v) });
  return records.flatMap(({ subject, value }) => {
    if (!value.success || value.data.workflowId !== workflowId) return [];
    const publishedBy = auditPublisherOf(subject, value.data.kind);
    if (!publishedBy)
      return subject === `baton.audit.${value.data.kind}`
        ? [{ ...value.data, publishedBy: '(before publishers were named)' }]
        : [];
    if (publishedBy.startsWith('agent-') && !value.data.kind.startsWith('tool.')) return [];
    return [{ ...value.data, publishedBy }];
  });
}

export interface TrustRow {
  gateType: string;
  workflowType: string;
  count: number;
  autoApprove: boolean;
  policyAllows: boolean;
  threshold: number;
}

/** Earned trust per registered gate type, as the orchestrator's activities keep it. */
export async function trustRows(
  bus: Bus,
  registry: Registry,
  threshold = DEFAULT_TRUST_THRESHOLD,
): Promise<TrustRow[]> {
  const kv = await openTrust(bus);
  return Promise.all(
    [...registry.gateTypes].map(async ([gateType, policy]) => {
      const entry = await kv.get(gateType);
      const record = entry && entry.operation === 'PUT' && entry.length > 0 ? entry.json<TrustRecord>() : undefined;
      return {
        gateType,
        workflowType: policy.workflowType,
        count: record?.count ?? 0,
        autoApprove: record?.autoApprove ?? false,
        policyAllows: policy.autoApprove,
        threshold: record?.threshold ?? threshold,
      };
    }),
  );
}
