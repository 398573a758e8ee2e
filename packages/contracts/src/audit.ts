// The audit trail: a record of every decision someone (or something) may later have to account
// for. Records go to the BATON_AUDIT stream, which denies delete and purge.
import { z } from 'zod';

/** Kinds of audit record, each published on `baton.audit.<kind>`. */
export const auditKinds = {
  /** An agent asked for a tool outside its allow-list; the call was not made. */
  toolRefused: 'tool.refused',
  /** An agent called a tool on its allow-list: recorded before the call is made. */
  toolCalled: 'tool.called',
  /** A workflow moved from one named state to another. */
  transition: 'workflow.transition',
  /** A gate opened, was escalated to the next tier, or was decided (by a person, by earned
   *  trust, or by its timeout's safe default). */
  gateOpened: 'gate.opened',
  gateEscalated: 'gate.escalated',
  gateDecided: 'gate.decided',
  /** A gate type's auto-approval switched on (earned trust) or off (a decline or a change). */
  trustSwitched: 'trust.switched',
  /** A person corrected an agent's reading at a gate (kept and used next time), or revoked one. */
  correctionRecorded: 'correction.recorded',
  correctionRevoked: 'correction.revoked',
  /** A person signed in to the console (or authenticated a CLI decision), was refused (wrong
   *  password, locked out, over the attempt cap), or signed out. */
  signedIn: 'console.signed-in',
  signInRefused: 'console.sign-in-refused',
  signedOut: 'console.signed-out',
  /** A person resolved an escalated problem in the console (the workflow then finishes). */
  escalationResolved: 'console.escalation-resolved',
} as const;
export type AuditKind = (typeof auditKinds)[keyof typeof auditKinds];

export const AuditRecord = z.object({
  id: z.string().min(1),
  kind: z.enum(Object.values(auditKinds) as [AuditKind, ...AuditKind[]]),
  at: z.iso.datetime({ offset: true }),
  /** Who acted: a service name such as `agent-intake`, or the person who decided. */
  actor: z.string().min(1),
  /** What the record is about, e.g. the tool `pos.hold_table`. */
  subject: z.string().min(1),
  reason: z.string(),
  workflowId: z.string().optional(),
  stepId: z.string().optional(),
  traceId: z.string().optional(),
  detail: z.record(z.string(), z.unknown()).default({}),
});
export type AuditRecord = z.infer<typeof AuditRecord>;
