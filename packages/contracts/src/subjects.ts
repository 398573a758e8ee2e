// Every NATS subject, stream, consumer and bucket name Baton uses, defined once.
import type { AgentName } from './agents.js';

export const streams = {
  /** Events from existing systems; limits retention, deduplicated by Nats-Msg-Id. */
  events: 'BATON_EVENTS',
  /** Tasks for agents; work-queue retention: a task is gone once an agent acks it. */
  tasks: 'BATON_TASKS',
  /** Results for the bridge; work-queue retention. */
  results: 'BATON_RESULTS',
  /** Everything refused, with the reason; kept. */
  deadLetters: 'BATON_DLQ',
} as const;

export const subjects = {
  eventsAll: 'baton.events.>',
  event: (type: string) => `baton.events.${type}`,
  tasksAll: 'baton.task.>',
  task: (agent: AgentName) => `baton.task.${agent}`,
  resultsAll: 'baton.result.>',
  result: (agent: AgentName) => `baton.result.${agent}`,
  deadLettersAll: 'baton.dlq.>',
  deadLetter: (rejectedBy: string) => `baton.dlq.${rejectedBy}`,
} as const;

export const consumers = {
  gateway: 'gateway',
  bridge: 'result-bridge',
  agent: (agent: AgentName) => `agent-${agent}`,
} as const;

export const buckets = {
  /** Effects agents performed, keyed by workflowId/stepId/effect. */
  ledger: 'baton_ledger',
} as const;

export const taskQueues = {
  orchestrator: 'baton-orchestrator',
  /** The callAgent activity runs here: any orchestrator replica may publish a task. */
} as const;
