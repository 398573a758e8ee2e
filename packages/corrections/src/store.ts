// The corrections' storage: a JetStream KV bucket keyed by correction id (a retried record is the
// same key: created once), every record and revocation appended to the audit stream.
import { createHash } from 'node:crypto';
import { Kvm, type KV } from '@nats-io/kv';
import { AuditRecord, auditKinds, buckets, subjects } from '@baton/contracts';
import { isRevisionConflict, publishJson, type Bus } from '@baton/bus';
import { Correction, type CorrectionInput } from './correction.js';

export class CorrectionNotFoundError extends Error {
  readonly code = 'NO_SUCH_CORRECTION';
  readonly retryable = false;
}

export const correctionIdOf = (gateId: string, agent: string) =>
  createHash('sha256').update(`${gateId}\n${agent}`).digest('hex').slice(0, 24);

export class CorrectionStore {
  private constructor(
    readonly kv: KV,
    private readonly bus: Bus,
  ) {}

  static async open(bus: Bus): Promise<CorrectionStore> {
    return new CorrectionStore(
      await new Kvm(bus.js).create(buckets.corrections, { history: 5, replicas: bus.replicas }),
      bus,
    );
  }

  /** Keeps a correction (once per gate and agent) and audits it; returns what is stored. */
  async record(input: CorrectionInput): Promise<Correction> {
    const correction = Correction.parse({ ...input, id: correctionIdOf(input.gateId, input.agent) });
    try {
      await this.kv.create(correction.id, JSON.stringify(correction));
    } catch (err) {
      if (!isRevisionConflict(err)) throw err;
      return (await this.get(correction.id))!;
    }
    await this.audit(
      auditKinds.correctionRecorded,
      `${correction.id}/recorded`,
      correction.by,
      correction,
      `${correction.agent} corrected for ${correction.scope === 'customer' ? `customer ${correction.subject ?? '?'}` : 'everyone'}`,
    );
    return correction;
  }

  /** Marks it revoked (it stays in the record) and audits who and why. */
  async revoke(id: string, by: string, reason: string): Promise<Correction> {
    for (;;) {
      const entry = await this.kv.get(id);
      if (!entry || entry.operation !== 'PUT' || entry.length === 0)
        throw new CorrectionNotFoundError(`no correction ${id}`);
      const current = Correction.parse(entry.json());
      if (current.revoked) return current;
      const revoked: Correction = { ...current, revoked: { by, at: new Date().toISOString(), reason } };
      try {
        await this.kv.update(id, JSON.stringify(revoked), entry.revision);
      } catch (err) {
        if (isRevisionConflict(err)) continue;
        throw err;
      }
      await this.audit(auditKinds.correctionRevoked, `${id}/revoked`, by, revoked, reason || 'revoked');
      return revoked;
    }
  }

  async get(id: string): Promise<Correction | undefined> {
    const entry = await this.kv.get(id);
    if (!entry || entry.operation !== 'PUT' || entry.length === 0) return undefined;
    return Correction.parse(entry.json());
  }

  /** Every correction, newest first. */
  async list(): Promise<Correction[]> {
    const all: Correction[] = [];
    for await (const key of await this.kv.keys()) {
      const c = await this.get(key);
      if (c) all.push(c);
    }
    return all.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  }

  private async audit(
    kind: (typeof auditKinds)['correctionRecorded' | 'correctionRevoked'],
    id: string,
    actor: string,
    c: Correction,
    reason: string,
  ): Promise<void> {
    const record = AuditRecord.parse({
      id: `correction/${id}`,
      kind,
      at: new Date().toISOString(),
      actor,
      subject: c.id,
      reason,
      workflowId: c.workflowId,
      detail: {
        agent: c.agent,
        scope: c.scope,
        subject: c.subject,
        gateId: c.gateId,
        input: c.input,
        wrong: c.wrong,
        right: c.right,
      },
    });
    await publishJson(this.bus.js, subjects.audit(this.bus.name, record.kind), record, { msgID: `audit:${record.id}` });
  }
}
