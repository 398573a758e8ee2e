// Activities behind human gates: the audit trail (BATON_AUDIT, which denies delete and purge),
// earned trust per gate type (the `baton_trust` bucket, updated with compare-and-set), and the
// contract check of an output a person supplied at an attention gate (zod runs here, outside
// the workflow sandbox).
import {
  AuditRecord,
  ProgressEvent,
  auditKinds,
  contractSchema,
  progressSubjects,
  subjects,
  type AgentContract,
  type AuditKind,
  type TaskKind,
} from '@baton/contracts';
import { describeIssues, openTrust, publishJson, type Bus } from '@baton/bus';
import type { Logger } from '@baton/telemetry';
import { CorrectionStore } from '@baton/corrections';
import type { CorrectionRecord } from '../definitions.js';

/** What the `baton_trust` bucket holds per gate type. */
export interface TrustRecord {
  gateType: string;
  /** Consecutive decisions approved without change. */
  count: number;
  /** Auto-approval is on: the count reached the threshold and the gate's policy allows it. */
  autoApprove: boolean;
  /** The last gate counted, so a retried activity does not count it twice. */
  lastGateId?: string;
  updatedAt?: string;
  /** The threshold the last count was compared with. */
  threshold?: number;
}

export interface TrustStatus extends TrustRecord {
  threshold: number;
}

/** Progress events the workflow made since the last batch (in order), and the source that started
 *  it (the subject names it: packages/contracts/src/progress.ts). */
export interface ProgressBatch {
  source?: string;
  runId: string;
  events: ProgressEvent[];
}

export interface GateActivities {
  /** Appends a record to the audit stream, once per id; first publishes the progress the workflow
   *  made since the last batch (carried here so a state change costs no activity of its own). */
  audit(record: AuditRecordInput, progress?: ProgressBatch): Promise<void>;
  /** Publishes progress no audit record carried (a step that finished, say), once per event. */
  progress(batch: ProgressBatch): Promise<void>;
  /** The gate type's trust, and whether it may approve now (count >= threshold, policy allows). */
  trustStatus(gateType: string, threshold?: number): Promise<TrustStatus>;
  /** Counts a person's decision: a clean approval adds one, anything else resets to zero. A
   *  switch of auto-approval on or off is recorded in the audit trail. */
  trustRecord(input: {
    gateType: string;
    autoApprove: boolean;
    gateId: string;
    workflowId: string;
    clean: boolean;
    decidedBy: string;
    threshold?: number;
  }): Promise<TrustStatus>;
  /** Checks an output a person gave for a step against the agent's contract. */
  checkOutput(input: {
    agent: string;
    kind: TaskKind;
    output: unknown;
  }): Promise<{ ok: true; output: unknown } | { ok: false; reason: string }>;
  /** Keeps a person's correction of an agent's reading (once per gate and agent) and audits it. */
  recordCorrection(correction: CorrectionRecord): Promise<void>;
}

export type AuditRecordInput = Omit<AuditRecord, 'detail'> & { detail?: Record<string, unknown> };

export function createGateActivities(deps: {
  bus: Bus;
  logger: Logger;
  trustThreshold: number;
  agents: ReadonlyMap<string, AgentContract>;
}): GateActivities {
  const appendAudit = async (input: AuditRecordInput) => {
    const record = AuditRecord.parse(input);
    await publishJson(deps.bus.js, subjects.audit(deps.bus.name, record.kind), record, { msgID: `audit:${record.id}` });
  };
  // Buckets are opened at first use (not at start: an open still pending at shutdown, or one that
  // timed out on a busy server, must not become an unhandled rejection that ends the process);
  // a failed open fails that activity, whose retry opens again.
  const opened = <T>(open: () => Promise<T>): (() => Promise<T>) => {
    let pending: Promise<T> | undefined;
    return () =>
      (pending ??= open().catch((err: unknown) => {
        pending = undefined;
        throw err;
      }));
  };
  const trustBucket = opened(() => openTrust(deps.bus));
  const correctionStore = opened(() => CorrectionStore.open(deps.bus));
  const read = async (gateType: string): Promise<{ value: TrustRecord; revision: number }> => {
    const entry = await (await trustBucket()).get(gateType);
    if (!entry || entry.operation !== 'PUT' || entry.length === 0)
      return { value: { gateType, count: 0, autoApprove: false }, revision: 0 };
    return { value: entry.json<TrustRecord>(), revision: entry.revision };
  };
  const publishProgress = async (batch: ProgressBatch | undefined) => {
    for (const input of batch?.events ?? []) {
      const event = ProgressEvent.parse(input);
      await publishJson(deps.bus.js, progressSubjects.of(batch!.source, event.workflowId), event, {
        msgID: `progress:${event.workflowId}/${batch!.runId}/${event.seq}`,
      });
    }
  };
  return {
    async audit(record, progress) {
      await publishProgress(progress);
      await appendAudit(record);
    },
    progress: publishProgress,
    async recordCorrection(correction) {
      const kept = await (await correctionStore()).record(correction);
      deps.logger.info(
        { correctionId: kept.id, agent: kept.agent, scope: kept.scope, workflowId: kept.workflowId },
        'correction kept',
      );
    },
    async trustStatus(gateType, threshold) {
      const { value } = await read(gateType);
      return { ...value, threshold: threshold ?? deps.trustThreshold };
    },
    async checkOutput({ agent, kind, output }) {
      const contract = deps.agents.get(agent);
      const schema = contract && contractSchema(contract, kind, 'output');
      if (!schema) return { ok: false, reason: `no registered workflow declares a ${kind} output for agent ${agent}` };
      const checked = schema.safeParse(output);
      return checked.success
        ? { ok: true, output: checked.data }
        : { ok: false, reason: describeIssues(checked.error.issues) };
    },
    async trustRecord({ gateType, autoApprove: policyAllows, gateId, workflowId, clean, decidedBy, threshold: given }) {
      const threshold = given ?? deps.trustThreshold;
      const kv = await trustBucket();
      for (let attempt = 0; ; attempt++) {
        const { value, revision } = await read(gateType);
        if (value.lastGateId === gateId) return { ...value, threshold };
        const count = clean ? value.count + 1 : 0;
        const autoApprove = policyAllows && count >= threshold;
        const next: TrustRecord = {
          gateType,
          count,
          autoApprove,
          lastGateId: gateId,
          updatedAt: new Date().toISOString(),
          threshold,
        };
        try {
          if (revision === 0) await kv.create(gateType, JSON.stringify(next));
          else await kv.update(gateType, JSON.stringify(next), revision);
        } catch (err) {
          // Another worker counted first: read again and retry.
          if (attempt < 20) continue;
          throw err;
        }
        if (autoApprove !== value.autoApprove) {
          const kind: AuditKind = auditKinds.trustSwitched;
          await appendAudit({
            id: `trust/${gateType}/${gateId}`,
            kind,
            at: next.updatedAt!,
            actor: clean ? 'earned-trust' : decidedBy,
            subject: gateType,
            reason: autoApprove
              ? `auto-approval on after ${count} consecutive clean approvals`
              : 'auto-approval off: a decline or a change reset the count',
            workflowId,
            detail: { gateType, gateId, count, threshold, autoApprove },
          });
          deps.logger.info({ gateType, autoApprove, count }, 'trust switched');
        }
        return { ...next, threshold };
      }
    },
  };
}
