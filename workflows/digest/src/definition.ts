// The daily digest's declared states and status, and what its schedule starts: pure data shared
// by its workflow code (in Temporal's sandbox) and its registration.
import type { KitState, RunOptions, WorkflowDefinition, WorkflowStatus } from '@baton/workflow-kit/workflow';
import type { DigestAgents, DigestItem, DigestSource } from './contracts.js';

export const States = ['Gathering', 'Sending', 'Needs attention', 'Sent', 'Failed'] as const;
export type State = (typeof States)[number];

export const SOURCES: readonly DigestSource[] = ['bookings', 'weather', 'rates'];

export const definition: WorkflowDefinition<State, DigestAgents, DigestStatus> = {
  type: 'digest',
  states: States,
  terminal: ['Sent', 'Failed'],
  succeeded: ['Sent'],
  limitsMs: { Gathering: 10 * 60_000, Sending: 30 * 60_000, 'Needs attention': 4 * 3600_000 },
  gateTypes: {},
};

/** What each firing of the schedule is given (fixed when the schedule is created). */
export interface DigestFiringInput {
  recipient: string;
  /** How long one source may take, retries included, before the digest goes without it. */
  sourceTimeoutMs: number;
}

/** What a firing did: started the day's digest, or found it already started (sent or sending). */
export interface DigestFiring {
  day: string;
  digestWorkflowId: string;
  outcome: 'sent' | 'already-started';
}

export interface DigestInput extends RunOptions<State>, DigestFiringInput {
  day: string;
}

export interface DigestSection {
  source: DigestSource;
  items: DigestItem[];
}

export interface DigestStatus extends WorkflowStatus<State> {
  state: State | KitState;
  day: string;
  sections: DigestSection[];
  /** Sources that could not be read, named in the digest. */
  unavailable: Array<{ source: DigestSource; reason: string }>;
  duplicatesRemoved: number;
  text?: string;
  messageId?: string;
}

export const firingWorkflowName = 'dailyDigestWorkflow';
export const workflowName = 'digestWorkflow';
/** One digest workflow per schedule and day: a second firing for the day finds it. */
export const digestWorkflowId = (scheduleId: string, day: string) => `${scheduleId}/${day}`;
