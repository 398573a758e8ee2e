// A human gate as a building block for workflow code: a payload and options shown to a person,
// tiers of approvers each with a timeout, escalation from one tier to the next, then a safe
// default. Every decision names the gate and the digest of what was shown; anything else is
// refused. Pure workflow code: the digest uses a pure JS sha-256, effects go through `hooks`.
import { condition } from '@temporalio/workflow';
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import { Decision, type DecisionInput, type GateOption, type GateTier, type GateType, type GateView } from '../definitions.js';

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
export function gateDigest(gateType: GateType, payload: unknown, options: readonly GateOption[]): string {
  return `sha256:${bytesToHex(sha256(utf8ToBytes(canonicalJson({ gateType, payload, options }))))}`;
}

export interface GateSpec<P> {
  gateId: string;
  gateType: GateType;
  payload: P;
  options: GateOption[];
  tiers: GateTier[];
  /** The payload an `approve-with-changes` decision yields; throws when the changes do not apply. */
  applyChanges?: (payload: P, changes: NonNullable<Decision['changes']>) => P;
}

export type GateEvent = 'opened' | 'escalated' | 'decided';

export interface GateHooks<P> {
  /** Called at each event, in order; the workflow publishes notices and audit records. */
  onEvent(event: GateEvent, gate: GateView<P>, decision?: Decision): void;
}

export type GateOutcome<P> =
  | { kind: 'approved'; payload: P; decision: Decision }
  | { kind: 'declined'; decision: Decision }
  | { kind: 'timed-out' };

export class GateRefusedError extends Error {
  readonly code = 'GATE_REFUSED';
  readonly retryable = false;
}

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
      payload: spec.payload,
      options: spec.options,
      digest: gateDigest(spec.gateType, spec.payload, spec.options),
      tiers: spec.tiers,
      tier: 0,
      openedAt: now,
      tierSince: now,
      escalations: [],
      status: 'open',
    };
  }

  /** Roles that may decide now: the current tier's and every tier above it. */
  allowedRoles(): string[] {
    return this.spec.tiers.slice(this.view.tier).map((t) => t.role);
  }

  /** Validates a decision against the open gate; throws a clear refusal, changes nothing. */
  check(input: DecisionInput): Decision {
    if (this.view.status !== 'open' || this.decision) throw new GateRefusedError(`gate ${this.view.gateId} is already ${this.decision ? 'decided' : this.view.status}`);
    const parsed = Decision.safeParse(input);
    if (!parsed.success) throw new GateRefusedError(`invalid decision: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const d = parsed.data;
    if (d.gateId !== this.view.gateId) throw new GateRefusedError(`the decision names gate "${d.gateId}" but the open gate is "${this.view.gateId}"`);
    if (d.digest !== this.view.digest) throw new GateRefusedError('stale decision: what you decided on is not what the gate shows now (digest mismatch); reload and decide again');
    if (!this.view.options.includes(d.decision)) throw new GateRefusedError(`"${d.decision}" is not an option of this gate`);
    if (d.role !== undefined && !this.allowedRoles().includes(d.role)) throw new GateRefusedError(`role "${d.role}" may not decide at tier ${this.view.tier + 1} (allowed: ${this.allowedRoles().join(', ')})`);
    if (d.decision === 'approve-with-changes') {
      if (!d.changes || Object.keys(d.changes).length === 0) throw new GateRefusedError('approve-with-changes needs the changes');
      if (!this.spec.applyChanges) throw new GateRefusedError('this gate takes no changes');
      this.spec.applyChanges(this.spec.payload, d.changes);
    } else if (d.changes !== undefined) {
      throw new GateRefusedError(`changes come only with approve-with-changes, not with "${d.decision}"`);
    }
    return d;
  }

  /** Records a checked decision; `run` returns with it. */
  accept(decision: Decision): void {
    this.decision = decision;
  }

  /** A decision taken without a person (earned trust): closes the gate at once. */
  approveWithoutPerson(decidedBy: string, reason: string): GateOutcome<P> {
    this.hooks.onEvent('opened', this.view);
    const decision: Decision = { gateId: this.view.gateId, digest: this.view.digest, decision: 'approve', decidedBy, reason };
    return this.close(decision);
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
      if (await condition(() => this.decision !== undefined, this.spec.tiers[tier]!.timeoutMs)) return this.close(this.decision!);
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
    // The step after the approval executes exactly this payload.
    const payload = decision.decision === 'approve-with-changes' && decision.changes && this.spec.applyChanges ? this.spec.applyChanges(this.spec.payload, decision.changes) : this.spec.payload;
    this.view.status = 'approved';
    this.view.approvedPayload = payload;
    this.hooks.onEvent('decided', this.view, decision);
    return { kind: 'approved', payload, decision };
  }
}
