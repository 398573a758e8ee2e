// The model, tools and artifacts of a handler called outside the runtime (a script, a baseline
// that runs handlers bare): rules only, no tools, artifacts kept in memory.
import { createHash } from 'node:crypto';
import type { Logger } from '@baton/telemetry';
import type { ArtifactRef } from '@baton/contracts';
import type { AgentContext } from './define.js';
import { AgentError } from './errors.js';
import { ModelChain } from './models/chain.js';

export function offlineCapabilities(logger: Logger): Pick<AgentContext, 'model' | 'tools' | 'artifacts'> {
  const blobs = new Map<string, Uint8Array>();
  const get = async (ref: ArtifactRef) => {
    const data = blobs.get(ref.key);
    if (!data) throw new AgentError('ARTIFACT_MISSING', `artifact ${ref.key} is not in memory`, false);
    return data;
  };
  return {
    model: new ModelChain([]).bind({ logger, signal: new AbortController().signal }),
    tools: {
      allowed: [],
      call: async (tool) => {
        throw new AgentError('TOOL_NOT_ALLOWED', `no tools outside the agent runtime (asked for ${tool})`, false);
      },
      list: async () => [],
    },
    artifacts: {
      put: async ({ name, data, summary, contentType }) => {
        const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
        blobs.set(name, bytes);
        const digest = `SHA-256=${createHash('sha256').update(bytes).digest('base64url')}`;
        return {
          bucket: 'memory',
          key: name,
          digest,
          size: bytes.length,
          contentType: contentType ?? 'application/octet-stream',
          summary,
        };
      },
      get,
      getText: async (ref) => new TextDecoder().decode(await get(ref)),
    },
  };
}
