// What the approval pages show: the gates waiting (Temporal visibility, then each workflow's
// status), a workflow's timeline (the audit stream), and earned trust per gate type.
import type { Client } from '@temporalio/client';
import { AuditRecord, auditPublisherOf, streams } from '@baton/contracts';
import { openTrust, readStream, type Bus } from '@baton/bus';
import { AWAITING_DECISION, DEFAULT_TRUST_THRESHOLD, NEEDS_ATTENTION, statusQuery, type ChangeField, type GateView, type Registry, type TrustRecord, type WorkflowStatus, type WorkflowView } from '@baton/workflow-kit';

export interface PendingGate {
  workflowId: string;
  status: WorkflowStatus;
}

const WAITING = `BatonState IN ("${AWAITING_DECISION}", "${NEEDS_ATTENTION}") AND ExecutionStatus = "Running"`;

/** Every workflow, of any registered type, waiting at an open gate (an approval, or a failed step
 *  handed to a person), oldest first, with its status. */
export async function pendingGates(temporal: Client, limit = 200): Promise<PendingGate[]> {
  const out: PendingGate[] = [];
  for await (const wf of temporal.workflow.list({ query: WAITING, pageSize: 100 })) {
    try {
      const status = await temporal.workflow.getHandle(wf.workflowId).query(statusQuery);
      // Visibility lags the workflow by a moment: show only gates that are open now.
      if ((status.state === AWAITING_DECISION || status.state === NEEDS_ATTENTION) && status.gate?.status === 'open') out.push({ workflowId: wf.workflowId, status });
    } catch {
      // Finished between the list and the query: not pending any more.
    }
    if (out.length >= limit) break;
  }
  return out.sort((a, b) => (a.status.gate!.openedAt < b.status.gate!.openedAt ? -1 : 1));
}

/** How many of the customer's earlier workflows of this type ended in `successState`. */
export async function previousCases(temporal: Client, workflowType: string, customerId: string, successState: string, exceptWorkflowId: string): Promise<number> {
  const quote = (s: string) => `"${s.replace(/["\\]/g, '')}"`;
  const { count } = await temporal.workflow.count(`BatonWorkflowType = ${quote(workflowType)} AND BatonCustomer = ${quote(customerId)} AND BatonState = ${quote(successState)} AND WorkflowId != ${quote(exceptWorkflowId)}`);
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
    if (!publishedBy) return subject === `baton.audit.${value.data.kind}` ? [{ ...value.data, publishedBy: '(before publishers were named)' }] : [];
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
export async function trustRows(bus: Bus, registry: Registry, threshold = DEFAULT_TRUST_THRESHOLD): Promise<TrustRow[]> {
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
