// The durable handoff on the wire: a task from the workflow to an agent, a result back.
import { z } from 'zod';
import { AgentName, TaskKind } from './agents.js';
import { ArtifactRef } from './artifacts.js';

export const AgentTask = z.object({
  taskId: z.string().min(1),
  agent: AgentName,
  kind: TaskKind,
  workflowId: z.string().min(1),
  runId: z.string().min(1),
  /** Stable across attempts: the idempotency key of the step is `workflowId/stepId`. */
  stepId: z.string().min(1),
  attempt: z.number().int().positive(),
  /** Temporal activity task token, base64: the bridge completes the activity with it. */
  taskToken: z.string().min(1),
  /** After this instant Temporal has given up on this attempt; the agent should not start it. */
  deadline: z.iso.datetime({ offset: true }),
  /** The contract version the workflow expects (absent: 1, as before versions existed). */
  contractVersion: z.number().int().positive().optional(),
  input: z.unknown(),
  /** Binds the task to its agent (HMAC by the orchestrator); the agent returns it in its result. */
  seal: z.string().min(1).optional(),
  /** An output whose JSON is longer than `limit` characters goes to the object store: the
   *  result carries its reference (`outputRef`) instead, so the bus and the workflow's history
   *  hold only that (a tool loop's large results). Absent: the output always travels inline. */
  byReference: z.object({ limit: z.number().int().positive() }).optional(),
});
export type AgentTask = z.infer<typeof AgentTask>;

export const AgentErrorInfo = z.object({
  code: z.string().min(1),
  message: z.string(),
  retryable: z.boolean(),
  /** What the agent did make of its input before it gave up (e.g. the fields intake could
   *  read): shown to the person who takes the case over. Never required. */
  details: z.unknown().optional(),
});
export type AgentErrorInfo = z.infer<typeof AgentErrorInfo>;

const resultBase = {
  taskId: z.string().min(1),
  agent: AgentName,
  kind: TaskKind,
  workflowId: z.string().min(1),
  stepId: z.string().min(1),
  attempt: z.number().int().positive(),
  taskToken: z.string().min(1),
  finishedAt: z.iso.datetime({ offset: true }),
  /** The contract version the agent answered (the task's; absent: 1). */
  contractVersion: z.number().int().positive().optional(),
  /** The task's seal, copied: the bridge refuses a result without the seal of its task and agent. */
  seal: z.string().min(1).optional(),
};

export const AgentResult = z.discriminatedUnion('status', [
  /** `outputRef`: the task asked for large outputs by reference and this one was (`output` is then
   *  null); the agent checked it against its contract before it stored it. */
  z.object({ ...resultBase, status: z.literal('ok'), output: z.unknown(), outputRef: ArtifactRef.optional() }),
  z.object({ ...resultBase, status: z.literal('error'), error: AgentErrorInfo }),
]);
export type AgentResult = z.infer<typeof AgentResult>;

/** What a step that asked for large outputs by reference returns when its output was large:
 *  the workflow holds this, the bytes (the output's JSON) are in the object store. */
export interface OutputByReference {
  byReference: ArtifactRef;
}

/** What the dead-letter stream stores: the message as received and why it was refused. */
export const DeadLetter = z.object({
  reason: z.string().min(1),
  /** Who refused it: gateway, agent name, bridge. */
  rejectedBy: z.string().min(1),
  subject: z.string(),
  receivedAt: z.iso.datetime({ offset: true }),
  /** The raw payload as text, so nothing is lost even when it was not JSON. */
  payload: z.string(),
  /** Why `payload` is not the message as received with its secrets redacted, when it is not: kept
   *  as text past the scrubber's bounds (too deep, too large, too slow), or cut to fit a letter. */
  note: z.string().optional(),
  headers: z.record(z.string(), z.string()).default({}),
});
export type DeadLetter = z.infer<typeof DeadLetter>;
