// Every NATS subject, stream, consumer and bucket name Baton uses, defined once.
type AgentName = string;

export const streams = {
  /** Events from existing systems; limits retention, deduplicated by Nats-Msg-Id. */
  events: 'BATON_EVENTS',
  /** Tasks for agents; work-queue retention: a task is gone once an agent acks it. */
  tasks: 'BATON_TASKS',
  /** Results for the bridge; work-queue retention. */
  results: 'BATON_RESULTS',
  /** Everything refused, with the reason; kept. */
  deadLetters: 'BATON_DLQ',
  /** Audit records (refused tool calls, ...); kept, and the stream denies delete and purge. */
  audit: 'BATON_AUDIT',
  /** Events Baton emits for other systems to react to (a workflow stuck, a gate opened). */
  notices: 'BATON_NOTICES',
  /** Each workflow's progress for whoever started it (progress.ts); limits retention. */
  progress: 'BATON_PROGRESS',
} as const;

export const subjects = {
  eventsAll: 'baton.events.>',
  event: (type: string) => `baton.events.${type}`,
  tasksAll: 'baton.task.>',
  task: (agent: AgentName) => `baton.task.${agent}`,
  resultsAll: 'baton.result.>',
  result: (agent: AgentName) => `baton.result.${agent}`,
  deadLettersAll: 'baton.dlq.>',
  noticesAll: 'baton.notices.>',
  notice: (type: string) => `baton.notices.${type}`,
  deadLetter: (rejectedBy: string) => `baton.dlq.${rejectedBy}`,
  auditAll: 'baton.audit.>',
  /** An audit record on its publisher's own subject: `baton.audit.<identity>.<kind>`. NATS tells a
   *  subscriber nothing about who published a message, so the subject does: each identity may
   *  publish under its own name only (permissions.ts), and the console shows the publisher from it. */
  audit: (publisher: string, kind: string) => `baton.audit.${publisher}.${kind}`,
  /** Every identity's records of one kind (a filter). */
  auditOfKind: (kind: string) => `baton.audit.*.${kind}`,
  /** Everything one identity may publish there. */
  auditBy: (publisher: string) => `baton.audit.${publisher}.>`,
} as const;

/** The `source` of an event as the gateway records it: who sent it, by the credentials it proved
 *  (a signed webhook request, a NATS identity), never what the body says. Key-derived workflow ids
 *  are scoped by it, so one sender's idempotency key never blocks another's. */
export const eventSources = {
  webhook: (sourceId: string) => `webhook.${sourceId}`,
  nats: (publisher: string) => `nats.${publisher}`,
} as const;

/** Events a NATS publisher sends: `baton.events.from.<publisher>.<type>`, which only that
 *  publisher may publish (its identity, permissions.ts), so the subject says who sent it. */
export const publisherEvents = {
  prefix: 'baton.events.from.',
  subject: (publisher: string, type: string) => `baton.events.from.${publisher}.${type}`,
} as const;

export const consumers = {
  gateway: 'gateway',
  bridge: 'result-bridge',
  agent: (agent: AgentName) => `agent-${agent}`,
} as const;

export const buckets = {
  /** Effects agents performed, keyed by workflowId/stepId/effect. */
  ledger: 'baton_ledger',
  /** Large artifacts (a contract, a document) that travel between steps by reference. */
  artifacts: 'baton_artifacts',
  /** Earned trust per gate type: consecutive clean approvals, and whether auto-approval is on. */
  trust: 'baton_trust',
  /** Every idempotency key that started a workflow, with the digest of its content; kept after
   *  Temporal forgets the workflow, so a replayed event never starts a second run. */
  eventClaims: 'baton_event_claims',
  /** Corrections people made to agents' readings at gates, by id; revoked ones stay, marked. */
  corrections: 'baton_corrections',
  /** Model calls and tokens each agent used per period, against its budget (keys `<agent>.<period start>`). */
  modelBudgets: 'baton_model_budgets',
  /** Who may post to the webhook: per source its signing secrets, rate limit, allowed event
   *  types and whether it is revoked; the gateway watches it, so a change applies at once. */
  webhookSources: 'baton_webhook_sources',
  /** The console's sessions (signed-in people), shared by every console replica. */
  consoleSessions: 'baton_console_sessions',
  /** What each person set for themselves in the console (their channels), by username. */
  accounts: 'baton_accounts',
  /** Leases of singleton work (packages/lease), e.g. the resolver's. */
  leases: 'baton_leases',
  /** The support workflow's CRM agent's cache of customer records. */
  supportCrmCache: 'baton_support_crm_cache',
} as const;

/** The publisher of an audit record, from the subject it was stored under (see subjects.audit);
 *  undefined for a record stored before subjects named their publisher. */
export function auditPublisherOf(subject: string, kind: string): string | undefined {
  const prefix = 'baton.audit.';
  if (!subject.startsWith(prefix) || !subject.endsWith(`.${kind}`)) return undefined;
  const publisher = subject.slice(prefix.length, subject.length - kind.length - 1);
  return /^[^.*>]+$/.test(publisher) ? publisher : undefined;
}

export const taskQueues = {
  /** Workflows and the callAgent activity: any orchestrator replica may publish a task. */
  orchestrator: 'baton-orchestrator',
} as const;
