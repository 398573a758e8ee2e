// A task's seal binds it to the agent it was sent to. The orchestrator seals every task with a
// key only it holds (HMAC-SHA256 over the agent, kind, task id and task token); the agent copies
// the seal into its result; the bridge recomputes it with the agent named by the subject the
// result arrived on, which the NATS permissions let only that agent publish to. A result for
// another agent's task, even with a task token forged from one's own (a token is a structure of
// workflow id, run id and event ids, not a secret), does not match and is refused.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SealedFields {
  agent: string;
  kind: string;
  taskId: string;
  taskToken: string;
}

export function sealTask(key: string, task: SealedFields): string {
  return createHmac('sha256', key)
    .update([task.agent, task.kind, task.taskId, task.taskToken].join('\n'))
    .digest('base64url');
}

/** Whether `seal` is the seal of these fields under `key` (compared in constant time). */
export function sealMatches(key: string, task: SealedFields, seal: string | undefined): boolean {
  if (!seal) return false;
  const want = Buffer.from(sealTask(key, task));
  const got = Buffer.from(seal);
  return want.length === got.length && timingSafeEqual(want, got);
}
