// The record of every idempotency key that started a workflow: the workflow id it derives, the
// event that first used it and a digest of that event's content (type and data; not its id, time
// or source, so a replay under a new envelope id is still the same request). JetStream KV,
// claimed with create (compare-and-set), never expiring: Temporal forgets a closed workflow after
// its retention, this record does not, so a replayed event never starts a second run; and the
// same key with different content is refused instead of silently dropped. A claim whose start
// was never marked (the gateway stopped in between) is settled by the next delivery: the start
// finds the workflow by its id while Temporal keeps it, and past Temporal's retention the event
// goes to the dead letters with the reason rather than start a second run (gateway.ts).
import { createHash } from 'node:crypto';
import { Kvm, type KV } from '@nats-io/kv';
import { buckets, type AnyEventEnvelope } from '@baton/contracts';
import { isRevisionConflict, type Bus } from '@baton/bus';
import { canonicalJson } from '@baton/workflow-kit/internal';

export interface EventClaim {
  workflowId: string;
  workflowType: string;
  eventId: string;
  digest: string;
  claimedAt: string;
  /** Set once the workflow start was accepted by Temporal (or found already started). */
  started: boolean;
  /** Who sent the event (`webhook.<id>`, `nats.<publisher>`): the only source that may follow
   *  the workflow's progress. Absent in claims made before it was recorded. */
  source?: string;
}

export type ClaimAnswer =
  | { kind: 'new'; claim: EventClaim }
  | { kind: 'same'; claim: EventClaim }
  | { kind: 'conflict'; claim: EventClaim };

/** sha-256 of the canonical JSON of the event's type and data. */
export function contentDigest(event: Pick<AnyEventEnvelope, 'type' | 'data'>): string {
  return `sha256:${createHash('sha256')
    .update(canonicalJson({ type: event.type, data: event.data }))
    .digest('hex')}`;
}

// KV keys allow only [-/_=.a-zA-Z0-9]; workflow ids may hold ':' too.
const keyOf = (workflowId: string) => createHash('sha256').update(workflowId).digest('hex');

export class EventClaims {
  private constructor(private readonly kv: KV) {}

  static async open(bus: Bus): Promise<EventClaims> {
    return new EventClaims(await new Kvm(bus.js).create(buckets.eventClaims, { history: 2, replicas: bus.replicas }));
  }

  /** What the record says of this workflow id and this content, without claiming anything. */
  async lookup(workflowId: string, digest: string): Promise<ClaimAnswer | undefined> {
    const claim = await this.read(workflowId);
    if (!claim) return undefined;
    return { kind: claim.value.digest === digest ? 'same' : 'conflict', claim: claim.value };
  }

  /** Claims the workflow id for this event; a second claim learns whether it is the same request. */
  async claim(event: AnyEventEnvelope, workflowId: string, workflowType: string): Promise<ClaimAnswer> {
    const claim: EventClaim = {
      workflowId,
      workflowType,
      eventId: event.id,
      digest: contentDigest(event),
      claimedAt: new Date().toISOString(),
      started: false,
      source: event.source,
    };
    try {
      await this.kv.create(keyOf(workflowId), JSON.stringify(claim));
      return { kind: 'new', claim };
    } catch (err) {
      if (!isRevisionConflict(err)) throw err;
    }
    const answer = await this.lookup(workflowId, claim.digest);
    if (!answer) throw new Error(`event claim for ${workflowId} vanished between create and read`);
    return answer;
  }

  /** The source whose event started this workflow, if one claimed it. */
  async sourceOf(workflowId: string): Promise<string | undefined> {
    return (await this.read(workflowId))?.value.source;
  }

  /** Records that the workflow of this claim started. */
  async markStarted(workflowId: string): Promise<void> {
    const current = await this.read(workflowId);
    if (!current || current.value.started) return;
    await this.kv
      .update(keyOf(workflowId), JSON.stringify({ ...current.value, started: true }), current.revision)
      .catch((err: unknown) => {
        // Another gateway replica marked it first: the record says started either way.
        if (!isRevisionConflict(err)) throw err;
      });
  }

  private async read(workflowId: string): Promise<{ value: EventClaim; revision: number } | undefined> {
    const entry = await this.kv.get(keyOf(workflowId));
    if (!entry || entry.operation !== 'PUT' || entry.length === 0) return undefined;
    return { value: entry.json<EventClaim>(), revision: entry.revision };
  }
}
