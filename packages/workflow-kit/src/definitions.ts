// What workflow code, the worker and every client agree on by import: the search attributes, the
// one status query and the updates any registered workflow answers, and the shapes of gates,
// decisions and steps. Pure (no zod, no I/O): safe inside the workflow sandbox and in clients.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';

/** Mirrors the workflow's named state, so the Temporal UI can filter by it. */
export const BatonState = defineSearchAttributeKey('BatonState', SearchAttributeType.KEYWORD);
/** The registered workflow type (`reservation`, ...): what metrics and views group by. */
export const BatonWorkflowType = defineSearchAttributeKey('BatonWorkflowType', SearchAttributeType.KEYWORD);
/** When the workflow entered its current state. */
export const BatonStateSince = defineSearchAttributeKey('BatonStateSince', SearchAttributeType.DATETIME);
/** True while the workflow has stayed in its state past that state's limit. */
export const BatonStuck = defineSearchAttributeKey('BatonStuck', SearchAttributeType.BOOL);
/** Temporal's own: the patches a run took. The SDK upserts it after each patch marker it records;
 *  a run's starter sets it to the patches the run is started with (workflows/patches.ts). */
export const TemporalChangeVersion = defineSearchAttributeKey(
  'TemporalChangeVersion',
  SearchAttributeType.KEYWORD_LIST,
);
/** The customer's or requester's opaque id (never a name): the console counts their history. */
export const BatonCustomer = defineSearchAttributeKey('BatonCustomer', SearchAttributeType.KEYWORD);

/** The states the kit itself enters, in every workflow: a gate waits for a person's decision,
 *  or something only a person can finish waits for them. */
export const AWAITING_DECISION = 'Awaiting approval';
export const NEEDS_ATTENTION = 'Needs attention';
export type KitState = typeof AWAITING_DECISION | typeof NEEDS_ATTENTION;

export interface StepRecord {
  stepId: string;
  agent: string;
  kind: 'run' | 'compensate';
  /** `supplied`: a person gave the step's output at an attention gate. */
  status: 'running' | 'ok' | 'failed' | 'supplied';
  startedAt: string;
  finishedAt?: string;
  /** What the step was given (shown to the person who takes a failed step over). */
  input?: unknown;
  output?: unknown;
  error?: string;
  errorCode?: string;
}

/** One tier of approvers: who may decide, and how long the gate waits for them before it
 *  escalates to the next tier (or, after the last, takes the safe default). */
export interface GateTier {
  role: string;
  timeoutMs: number;
}

/** The options of an approval gate; an attention gate offers ATTENTION_OPTIONS. */
export type ApprovalOption = 'approve' | 'decline' | 'approve-with-changes';
export const APPROVAL_OPTIONS: readonly ApprovalOption[] = ['approve', 'decline', 'approve-with-changes'];
export type AttentionOption = 'retry' | 'correct-input' | 'supply-output' | 'abandon';
export const ATTENTION_OPTIONS: readonly AttentionOption[] = ['retry', 'correct-input', 'supply-output', 'abandon'];
/** A workflow's own options at its gates (a bill's `pay-now`, `postpone`, `dispute`): a decision
 *  naming one closes the gate as `decided`, and the workflow acts on it. */
export type WorkflowOption = string & Record<never, never>;
export type GateOption = ApprovalOption | AttentionOption | WorkflowOption;

/** Per gate type: may earned trust ever approve it without a person? (An allergy never.) */
export interface GatePolicy {
  autoApprove: boolean;
  /** A sentence for people: what this gate is for. */
  title: string;
  /** Roles told as well when a gate of this type waits (services/approver-notify), beside the
   *  role of the tier that may decide now, who is always told. None (the default): that role only. */
  tell?: readonly string[];
}

/** Consecutive clean approvals after which a gate type that allows it approves by itself. */
export const DEFAULT_TRUST_THRESHOLD = 100;

/** A gate as shown to a person: what is decided, with which options, by whom, and the digest
 *  that binds a decision to exactly this payload and these options. */
export interface GateView<P = unknown> {
  gateId: string;
  gateType: string;
  /** `approval`: a person approves a step; `attention`: a person takes over a failed step. */
  kind: 'approval' | 'attention';
  payload: P;
  options: GateOption[];
  /** `sha256:<hex>` of the canonical JSON of { gateType, payload, options }. */
  digest: string;
  tiers: GateTier[];
  /** Index of the tier that may decide now. */
  tier: number;
  openedAt: string;
  /** When the current tier began (the gate opened, or the last escalation). */
  tierSince: string;
  escalations: Array<{ tier: number; role: string; at: string }>;
  status: 'open' | 'approved' | 'declined' | 'timed-out' | 'decided';
  /** The payload the step after an approval executes (the payload, with any approved changes). */
  approvedPayload?: P;
  decidedAt?: string;
  /** Who closed it: a person's name, `earned-trust`, or `timeout`. */
  decidedBy?: string;
  /** What happens when nobody decides in time, in words, for the person deciding. */
  safeDefault: string;
}

export interface Decision {
  /** The gate decided, and the digest of what the person saw: both must match the open gate. */
  gateId: string;
  digest: string;
  decision: GateOption;
  decidedBy: string;
  /** The approver's role, checked by the console against their sign-in; the gate requires it of
   *  every person's decision and refuses a role not allowed now (auto-approvals carry none). */
  role?: string;
  reason: string;
  /** With `approve-with-changes`, `correct-input` (`{ input }`) and `supply-output` (`{ output }`). */
  changes?: Record<string, unknown>;
  /** When the changes correct an agent's reading: for this customer only (the default when the
   *  workflow names one) or for everyone. The correction is kept and used next time. */
  scope?: 'customer' | 'everyone';
}
export type DecisionInput = Omit<Decision, 'reason'> & { reason?: string };

/** The payload of an attention gate: everything a person needs to take a failed step over. */
export interface AttentionPayload {
  /** The state the workflow was in when the step failed. */
  state: string;
  step: { stepId: string; agent: string; input: unknown; error: string; errorCode?: string; details?: unknown };
  /** Every step before it, with its output. */
  previousSteps: StepRecord[];
  /** Words for the person: why this reached them. */
  reason: string;
}

export interface Resolution {
  resolvedBy: string;
  /** The person's role, from their console account: one of the roles that take failed steps over
   *  (the workflow's attention tiers). Required of every new resolution, as a decision's is. */
  role?: string;
  note: string;
}
export type ResolutionInput = Omit<Resolution, 'note'> & { note?: string };

/** Something only a person can finish by hand: a compensation that kept failing, a customer not
 *  told. The workflow waits until they say it is done (`resolve`). */
export interface Attention {
  reason: string;
  failures: Array<{ name: string; error: string }>;
  since: string;
  /** The roles that may resolve it (the attention tiers'). */
  roles?: string[];
  resolution?: Resolution & { resolvedAt: string };
}

/** What every registered workflow's status carries; a workflow adds its own fields beside. */
export interface WorkflowStatus<S extends string = string> {
  workflowType: string;
  state: S | KitState;
  stateSince: string;
  /** Set while the current state has lasted longer than its limit. */
  stuck?: { state: string; limitMs: number; since: string };
  steps: StepRecord[];
  /** The gate open now, or the last one that was. */
  gate?: GateView;
  /** Every gate closed before the current one, oldest first. */
  previousGates?: GateView[];
  decision?: Decision & { decidedAt: string };
  /** Set when earned trust approved the gate without a person. */
  autoApproved?: { count: number; threshold: number };
  attention?: Attention;
  failure?: string;
  /** Names of the compensations that ran, in the order they ran. */
  compensated: string[];
  /** Corrections a person made here to an agent's reading (kept and used next time). */
  corrections?: Array<{ agent: string; scope: 'customer' | 'everyone'; gateId: string }>;
}

/** The one query every registered workflow answers: its whole status. */
export const statusQuery = defineQuery<WorkflowStatus>('status');
/** A person's decision at the open gate (approval or attention); refused unless one is open and
 *  the decision names it and the digest of what it showed. */
export const decideUpdate = defineUpdate<WorkflowStatus, [DecisionInput]>('decide');
/** A person's word that something escalated for them is dealt with; refused unless one is open
 *  and the resolution carries a role that may take failed steps over (the attention tiers'). */
export const resolveUpdate = defineUpdate<WorkflowStatus, [ResolutionInput]>('resolve');

/** A person decides within a day, or the safe default runs. */
export const DEFAULT_APPROVAL_TIMEOUT_MS = 24 * 3600_000;
/** A host has two hours; then a manager has the rest of the day; then the safe default. */
export const DEFAULT_APPROVAL_TIERS: GateTier[] = [
  { role: 'host', timeoutMs: 2 * 3600_000 },
  { role: 'manager', timeoutMs: DEFAULT_APPROVAL_TIMEOUT_MS - 2 * 3600_000 },
];
/** A failed step waits a day for a manager; then it is abandoned (compensated, requester told). */
export const DEFAULT_ATTENTION_TIERS: GateTier[] = [{ role: 'manager', timeoutMs: DEFAULT_APPROVAL_TIMEOUT_MS }];

/** Data of the `gate.opened.v1`, `gate.escalated.v1` and `gate.decided.v1` notices. Ids and
 *  gate data only: never a customer's name or health information. */
export interface GateNotice {
  workflowId: string;
  workflowType: string;
  gateId: string;
  gateType: string;
  tier: number;
  role: string;
  digest: string;
  decision?: GateOption | 'timeout';
  decidedBy?: string;
}
export const gateNoticeTypes = {
  opened: 'gate.opened.v1',
  escalated: 'gate.escalated.v1',
  decided: 'gate.decided.v1',
} as const;

/** Data of the `workflow.stuck.v1` notice. Ids and states only: never personal data. */
export interface WorkflowStuckNotice {
  workflowId: string;
  workflowType: string;
  state: string;
  stateSince: string;
  limitMs: number;
}

/** What the kit records when a person corrects an agent's reading at a gate (the orchestrator
 *  keeps it with @baton/corrections). */
export interface CorrectionRecord {
  at: string;
  by: string;
  workflowId: string;
  workflowType: string;
  gateId: string;
  gateType: string;
  agent: string;
  subject?: string;
  scope: 'customer' | 'everyone';
  input: string;
  wrong: Record<string, unknown>;
  right: Record<string, unknown>;
  reason: string;
}

/** The kit's own gate type for a failed step handed to a person. */
export const ATTENTION_GATE_TYPE = 'baton.attention';

/** The memo key under which the gateway records, at the start, which event source (`webhook.<id>`,
 *  `nats.<publisher>`) started a workflow: the kit publishes its progress under that source. */
export const SOURCE_MEMO_KEY = 'batonSource';
