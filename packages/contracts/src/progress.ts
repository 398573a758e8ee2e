// A workflow's progress, for whoever started it: state changes, steps started and finished, gates
// opened, escalated and decided, and the outcome. Published by the orchestrator's kit activities
// on one subject per workflow in the BATON_PROGRESS stream; the gateway serves it to the webhook
// source that started the workflow as Server-Sent Events, a NATS publisher reads its own subjects,
// and the console's workflow page follows it. Names, states, ids, codes and times only: never an
// input, an output, a gate's payload, a person's name or a reason someone typed (docs/progress.md).
import { createHash } from 'node:crypto';
import { z } from 'zod';

export const progressKinds = [
  'state',
  'step.started',
  'step.finished',
  'gate.opened',
  'gate.escalated',
  'gate.decided',
  'outcome',
] as const;
export type ProgressKind = (typeof progressKinds)[number];

export const ProgressEvent = z
  .object({
    workflowId: z.string().min(1),
    workflowType: z.string().min(1),
    /** Per run, from 1, in the order the workflow made them. */
    seq: z.number().int().positive(),
    /** Workflow time of the move. */
    at: z.iso.datetime({ offset: true }),
    kind: z.enum(progressKinds),
    /** `state`: the state entered and the one left; `outcome`: the end state. */
    state: z.string().optional(),
    from: z.string().optional(),
    /** `step.*`: the step, its agent, whether it ran or compensated, and how it ended. */
    stepId: z.string().optional(),
    agent: z.string().optional(),
    stepKind: z.enum(['run', 'compensate']).optional(),
    result: z.enum(['ok', 'failed', 'supplied']).optional(),
    errorCode: z.string().optional(),
    /** `gate.*`: which gate, its type and tier, the role it waits for, and the option chosen. */
    gateId: z.string().optional(),
    gateType: z.string().optional(),
    gateKind: z.enum(['approval', 'attention']).optional(),
    tier: z.number().int().min(0).optional(),
    role: z.string().optional(),
    decision: z.string().optional(),
    /** Who decided, as a kind only (never their name). */
    decidedBy: z.enum(['person', 'timeout', 'earned-trust']).optional(),
    /** `outcome`: whether the end state counts as ended as intended. */
    succeeded: z.boolean().optional(),
  })
  .strict();
export type ProgressEvent = z.infer<typeof ProgressEvent>;

/** A subject token for any string: itself when it is plain, else `=` and its base64url (no
 *  plain token starts with `=`, so the two never meet). */
export function subjectToken(value: string): string {
  return /^[A-Za-z0-9_-]+$/.test(value) ? value : `=${Buffer.from(value).toString('base64url')}`;
}

/** A workflow id as one subject token: ids hold dots, slashes and whatever an idempotency key held. */
export function workflowToken(workflowId: string): string {
  return createHash('sha256').update(workflowId).digest('hex').slice(0, 40);
}

/** The kind and name of an event source (`webhook.<id>`, `nats.<publisher>`) as two tokens;
 *  a workflow nobody outside started (a schedule, a test, a person) is `internal.baton`. */
function sourceTokens(source: string | undefined): string {
  const dot = source?.indexOf('.') ?? -1;
  if (!source || dot < 1) return 'internal.baton';
  return `${subjectToken(source.slice(0, dot))}.${subjectToken(source.slice(dot + 1))}`;
}

export const progressSubjects = {
  all: 'baton.progress.>',
  /** `baton.progress.<source kind>.<source name>.<workflow token>`: the source is in the subject
   *  so a NATS publisher's permissions can name its own workflows' progress and nobody else's. */
  of: (source: string | undefined, workflowId: string) =>
    `baton.progress.${sourceTokens(source)}.${workflowToken(workflowId)}`,
  /** One workflow's progress whoever started it (the console). */
  ofWorkflow: (workflowId: string) => `baton.progress.*.*.${workflowToken(workflowId)}`,
  /** Everything a NATS publisher's workflows publish. */
  ofPublisher: (publisher: string) => `baton.progress.nats.${subjectToken(publisher)}.>`,
} as const;
