// A human gate as a building block for workflow code: a payload and options shown to a person,
// tiers of approvers each with a timeout, escalation from one tier to the next, then a safe
// default. Every decision names the gate and the digest of what was shown; anything else is
// refused. Pure workflow code: plain checks instead of zod (zod costs ~13 ms of CPU per workflow
// in the sandbox), a pure JS sha-256 for the digest, effects through `hooks`.
import { condition } from '@temporalio/workflow';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { Decision, DecisionInput, GateOption, GateTier, GateView } from '../definitions.js';

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The digest a decision must carry: sha-256 of the canonical JSON of type, payload and options. */
export function gateDigest(gateType: string, payload: unknown, options: readonly GateOption[]): string {
  return `sha256:${bytesToHex(sha256(utf8ToBytes(canonicalJson({ gateType, payload, options }))))}`;
}

export class GateRefusedError extends Error {
  readonly code = 'GATE_REFUSED';
  readonly retryable = false;
}

const isText = (v: unknown, max: number, min = 1): v is string =>
  typeof v === 'string' && v.length >= min && v.length <= max;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** How strictly a decision is read. A new decision (the update's validator) must carry a role.
 *  The update's handler reads leniently: on replay it meets decisions the validator of their day
 *  accepted (before roles were required), and refusing one there would fail the waiting run
 *  (Temporal does not run validators on replay; the replay suite has such histories). */
export interface DecisionReading {
  requireRole: boolean;
}

/** The shape of a decision, checked field by field; the gate checks it against itself after. */
export function parseDecision(input: unknown, reading: DecisionReading = { requireRole: true }): Decision {
  const problems: string[] = [];
  const d = (isRecord(input) ? input : {}) as Partial<DecisionInput>;
  if (!isRecord(input)) problems.push('(root): must be an object');
  if (!isText(d.gateId, 300)) problems.push('gateId: must be a string of 1-300 characters');
  if (typeof d.digest !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(d.digest))
    problems.push('digest: must be sha256:<64 hex digits>');
  if (!isText(d.decision, 50)) problems.push("decision: must name one of the gate's options");
  if (!isText(d.decidedBy, 200)) problems.push('decidedBy: must be a string of 1-200 characters');
  // Always a role on a new decision: one without would skip the tier check below.
  if (reading.requireRole ? !isText(d.role, 100) : d.role !== undefined && !isText(d.role, 100)) {
    problems.push(
      "role: the approver's role (checked against their sign-in) is required, a string of 1-100 characters",
    );
  }
  if (d.reason !== undefined && !isText(d.reason, 2000, 0))
    problems.push('reason: must be a string of at most 2000 characters');
  if (d.changes !== undefined && !isRecord(d.changes)) problems.push('changes: must be an object');
  if (d.scope !== undefined && d.scope !== 'customer' && d.scope !== 'everyone')
    problems.push('scope: must be "customer" or "everyone"');
  if (problems.length) throw new GateRefusedError(`invalid decision: ${problems.join('; ')}`);
  return {
    gateId: d.gateId!,
    digest: d.digest!,
    decision: d.decision as GateOption,
    decidedBy: d.decidedBy!,
    ...(d.role !== undefined ? { role: d.role } : {}),
    reason: d.reason ?? '',
    ...(d.changes !== undefined ? { changes: d.changes } : {}),
    ...(d.scope !== undefined ? { scope: d.scope } : {}),
  };
}

export interface GateSpec<P> {
  gateId: string;
  gateType: string;
  kind?: GateView['kind'];
  payload: P;
  options: GateOption[];
  tiers: GateTier[];
  /** In words, what happens when nobody decides in time. */
  safeDefault: string;
  /** The payload a decision with changes yields; throws a GateRefusedError when they do not
   *  apply. Called by the update's validator too, so a bad change is refused, not accepted. */
  applyChanges?: (payload: P, changes: Record<string, unknown>, decision: GateOption) => P;
  /** The workflow's own check of a decision (e.g. a reason required with "postpone"); throws a
   *  GateRefusedError. Runs in the update's validator, so a refused decision changes nothing. */
  checkDecision?: (decision: Decision) => void;
}

export type GateEvent = 'opened' | 'escalated' | 'decided';

export interface GateHooks<P> {
  /** Called at each event, in order; the workflow publishes notices and audit records. */
  onEvent(event: GateEvent, gate: GateView<P>, decision?: Decision): void;
}

export type GateOutcome<P> =
  | { kind: 'approved'; payload: P; decision: Decision }
  | { kind: 'declined'; decision: Decision }
  | { kind: 'decided'; payload: P; decision: Decision }
  | { kind: 'timed-out' };

/** Options that carry changes. */
const WITH_CHANGES: ReadonlySet<GateOption> = new Set(['approve-with-changes', 'correct-input', 'supply-output']);

export class HumanGate<P> {
  readonly view: GateView<P>;
  private decision: Decision | undefined;

  constructor(
    private readonly spec: GateSpec<P>,
    private readonly hooks: GateHooks<P>,
  ) {
    if (spec.tiers.length === 0) throw new Error('a gate needs at least one tier of approvers');
    const now = new Date().toISOString();
    this.view = {
      gateId: spec.gateId,
      gateType: spec.gateType,
      kind: spec.kind ?? 'approval',
      payload: spec.payload,
      options: spec.options,
      digest: gateDigest(spec.gateType, spec.payload, spec.options),
      tiers: spec.tiers,
      tier: 0,
      openedAt: now,
      tierSince: now,
      escalations: [],
      status: 'open',
      safeDefault: spec.safeDefault,
    };
  }

  /** Roles that may decide now: the current tier's and every tier above it. */
  allowedRoles(): string[] {
    return this.spec.tiers.slice(this.view.tier).map((t) => t.role);
  }

  get isOpen(): boolean {
    return this.view.status === 'open' && !this.decision;
  }

  /** Validates a decision against the open gate; throws a clear refusal, changes nothing. */
  check(input: unknown, reading: DecisionReading = { requireRole: true }): Decision {
    if (!this.isOpen)
      throw new GateRefusedError(`gate ${this.view.gateId} is already ${this.decision ? 'decided' : this.view.status}`);
    const d = parseDecision(input, reading);
    if (d.gateId !== this.view.gateId)
      throw new GateRefusedError(`the decision names gate "${d.gateId}" but the open gate is "${this.view.gateId}"`);
    if (d.digest !== this.view.digest)
      throw new GateRefusedError(
        'stale decision: what you decided on is not what the gate shows now (digest mismatch); reload and decide again',
      );
    if (!this.view.options.includes(d.decision))
      throw new GateRefusedError(
        `"${d.decision}" is not an option of this gate (options: ${this.view.options.join(', ')})`,
      );
    if (d.role !== undefined && !this.allowedRoles().includes(d.role))
      throw new GateRefusedError(
        `role "${d.role}" may not decide at tier ${this.view.tier + 1} (allowed: ${this.allowedRoles().join(', ')})`,
      );
    if (WITH_CHANGES.has(d.decision)) {
      if (!d.changes || Object.keys(d.changes).length === 0)
        throw new GateRefusedError(`${d.decision} needs the changes`);
      if (!this.spec.applyChanges) throw new GateRefusedError('this gate takes no changes');
      this.spec.applyChanges(this.spec.payload, d.changes, d.decision);
    } else if (d.changes !== undefined) {
      throw new GateRefusedError(
        `changes come only with ${[...WITH_CHANGES].filter((o) => this.view.options.includes(o)).join(' or ') || 'no option of this gate'}, not with "${d.decision}"`,
      );
    }
    this.spec.checkDecision?.(d);
    return d;
  }

  /** Records a checked decision; `run` returns with it. */
  accept(decision: Decision): void {
    this.decision = decision;
  }

  /** A decision taken without a person (earned trust): closes the gate at once. */
  approveWithoutPerson(decidedBy: string, reason: string): GateOutcome<P> {
    this.hooks.onEvent('opened', this.view);
    return this.close({ gateId: this.view.gateId, digest: this.view.digest, decision: 'approve', decidedBy, reason });
  }

  /** Waits for a decision tier by tier; after the last tier's timeout, returns `timed-out`. */
  async run(): Promise<GateOutcome<P>> {
    this.hooks.onEvent('opened', this.view);
    for (let tier = 0; tier < this.spec.tiers.length; tier++) {
      if (tier > 0) {
        this.view.tier = tier;
        this.view.tierSince = new Date().toISOString();
        this.view.escalations.push({ tier, role: this.spec.tiers[tier]!.role, at: this.view.tierSince });
        this.hooks.onEvent('escalated', this.view);
      }
      if (await condition(() => this.decision !== undefined, this.spec.tiers[tier]!.timeoutMs))
        return this.close(this.decision!);
    }
    this.view.status = 'timed-out';
    this.view.decidedAt = new Date().toISOString();
    this.view.decidedBy = 'timeout';
    this.hooks.onEvent('decided', this.view);
    return { kind: 'timed-out' };
  }

  private close(decision: Decision): GateOutcome<P> {
    this.view.decidedAt = new Date().toISOString();
    this.view.decidedBy = decision.decidedBy;
    if (decision.decision === 'decline') {
      this.view.status = 'declined';
      this.hooks.onEvent('decided', this.view, decision);
      return { kind: 'declined', decision };
    }
    // The step after the decision executes exactly this payload.
    const payload =
      decision.changes && this.spec.applyChanges
        ? this.spec.applyChanges(this.spec.payload, decision.changes, decision.decision)
        : this.spec.payload;
    this.view.approvedPayload = payload;
    // An attention gate's choice, or a workflow's own option: the workflow acts on the decision.
    if (
      this.view.kind === 'attention' ||
      (decision.decision !== 'approve' && decision.decision !== 'approve-with-changes')
    ) {
      this.view.status = 'decided';
      this.hooks.onEvent('decided', this.view, decision);
      return { kind: 'decided', payload, decision };
    }
    this.view.status = 'approved';
    this.hooks.onEvent('decided', this.view, decision);
    return { kind: 'approved', payload, decision };
  }
}
