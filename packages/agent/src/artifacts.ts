// Large artifacts travel by reference: the bytes go to the JetStream object store, the step
// returns an ArtifactRef (key, digest, size, a short summary) that fits in workflow state. The
// next step fetches the bytes only if it needs more than the summary. An artifact is written once,
// under a key that names its content: a retry with the same bytes finds it, different bytes get a
// key of their own, so nothing is ever overwritten and no agent needs the right to purge (which
// NATS cannot limit to one's own artifacts: see packages/bus/src/permissions.ts).
import { createHash } from 'node:crypto';
import { Objm, type ObjectStore } from '@nats-io/obj';
import { buckets, ArtifactRef } from '@baton/contracts';
import type { Bus } from '@baton/bus';
import { AgentError } from './errors.js';

export interface PutArtifact {
  /** Name within the step, e.g. `contract.pdf`; the key becomes `workflowId/stepId/name@<content digest>`. */
  name: string;
  data: Uint8Array | string;
  /** What the next step needs to know without fetching the bytes (at most 1000 characters). */
  summary: string;
  contentType?: string;
}

export interface AgentArtifacts {
  put(artifact: PutArtifact): Promise<ArtifactRef>;
  /** The bytes of a referenced artifact; fails if it is gone or was replaced since the ref was made. */
  get(ref: ArtifactRef): Promise<Uint8Array>;
  getText(ref: ArtifactRef): Promise<string>;
}

export class ArtifactStore {
  private constructor(private readonly store: ObjectStore) {}

  static async open(bus: Bus): Promise<ArtifactStore> {
    return new ArtifactStore(await new Objm(bus.js).create(buckets.artifacts, { replicas: bus.replicas }));
  }

  /** Artifacts of one step, keyed under its idempotency key and their content: a retry finds what it wrote. */
  bind(stepKey: string): AgentArtifacts {
    const get = async (ref: ArtifactRef) => {
      const info = await this.store.info(ref.key);
      if (!info || info.deleted)
        throw new AgentError('ARTIFACT_MISSING', `artifact ${ref.key} is not in ${ref.bucket}`, false);
      if (info.digest !== ref.digest)
        throw new AgentError('ARTIFACT_CHANGED', `artifact ${ref.key} changed since it was referenced`, false);
      const data = await this.store.getBlob(ref.key);
      if (!data) throw new AgentError('ARTIFACT_MISSING', `artifact ${ref.key} has no content`, false);
      return data;
    };
    return {
      put: async ({ name, data, summary, contentType }) => {
        const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
        const key = `${stepKey}/${name}@${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}`;
        const existing = await this.store.info(key);
        const info =
          existing && !existing.deleted
            ? existing
            : await this.store.putBlob({ name: key, description: summary.slice(0, 200) }, bytes);
        return ArtifactRef.parse({
          bucket: buckets.artifacts,
          key,
          digest: info.digest,
          size: info.size,
          contentType:
            contentType ?? (typeof data === 'string' ? 'text/plain; charset=utf-8' : 'application/octet-stream'),
          summary,
        });
      },
      get,
      getText: async (ref) => new TextDecoder().decode(await get(ref)),
    };
  }
}
