// The contract review's declared states, gate type and limits, and the shape of its status: pure
// data shared by its workflow code (in the sandbox) and its registration (everywhere else).
import type { GateView, KitState, RunOptions, WorkflowDefinition, WorkflowStatus } from '@baton/workflow-kit/workflow';
import type {
  ClauseAssessment,
  ClauseRisk,
  ContractReviewAgents,
  ContractSubmitted,
  Filing,
  PolicyFinding,
  ReviewDraft,
  Risk,
} from './contracts.js';
import type { ArtifactRef } from '@baton/contracts';
import type { AnswerCheck } from './checks.js';

export const ContractReviewStates = [
  'Ingesting document',
  'Extracting clauses',
  'Classifying risk',
  'Checking policy',
  'Drafting summary',
  'Awaiting approval',
  'Filing',
  'Needs attention',
  'Filed',
  'Declined',
  'Expired',
  'Failed',
] as const;
export type ContractReviewState = (typeof ContractReviewStates)[number];
const terminal: ContractReviewState[] = ['Filed', 'Declined', 'Expired', 'Failed'];
export const terminalContractReviewStates: ReadonlySet<string> = new Set(terminal);

export const contractReview: WorkflowDefinition<ContractReviewState, ContractReviewAgents, ContractReviewStatus> = {
  type: 'contract-review',
  states: ContractReviewStates,
  terminal,
  // Ended as intended: filed, or declined by the approver (the contract is not signed as it stands).
  succeeded: ['Filed', 'Declined'],
  // Each agent step takes seconds; a high-risk contract may wait for legal most of a day.
  limitsMs: {
    'Ingesting document': 10 * 60_000,
    'Extracting clauses': 10 * 60_000,
    'Classifying risk': 10 * 60_000,
    'Checking policy': 10 * 60_000,
    'Drafting summary': 10 * 60_000,
    'Awaiting approval': 8 * 3600_000,
    Filing: 10 * 60_000,
    'Needs attention': 4 * 3600_000,
  },
  gateTypes: {
    // Never by earned trust: a high-risk clause, or an answer the checks between steps doubt,
    // is signed off by a person every time.
    'contract.high-risk': {
      autoApprove: false,
      title: 'A contract has high-risk clauses: legal must approve before it is filed',
    },
  },
};

/** The payload of the approval gate: the contract, every clause with its risk, the draft. */
export interface ContractGatePayload {
  contract: { contractId: string; title: string; counterparty: { id: string; name: string } };
  overallRisk: Risk;
  clauses: ClauseRisk[];
  findings: PolicyFinding[];
  draft: ReviewDraft;
  /**
   * What the checks between steps flagged (checks.ts): why a person sees a contract no clause of which is high-risk.
   */
  checks?: AnswerCheck[];
}

export interface ContractReviewStatus extends WorkflowStatus<ContractReviewState> {
  state: ContractReviewState | KitState;
  gate?: GateView<ContractGatePayload>;
  eventId: string;
  contract: { contractId: string; title: string; counterparty: { id: string; name: string } };
  document?: ArtifactRef;
  clauseCount?: number;
  assessments?: ClauseAssessment[];
  policyVersion?: string;
  findings?: PolicyFinding[];
  risks?: ClauseRisk[];
  overallRisk?: Risk;
  draft?: ReviewDraft;
  /** The checks' flags; empty when every answer held up. */
  checks?: AnswerCheck[];
  filing?: Filing;
}

export interface ContractReviewInput extends RunOptions<ContractReviewState> {
  event: ContractSubmitted;
}

export const workflowTypes = { contractReview: 'contractReviewWorkflow' } as const;

/** Workflow id of the review an event starts: replaying the event finds the same one. Scoped by
 *  the event's source, which the gateway sets from the authenticated sender (a webhook source, a
 *  NATS publisher), never from the body: one sender's key never blocks another's. */
export function contractReviewWorkflowId(idempotencyKey: string, source: string): string {
  return `contract-review-${encodeURIComponent(source)}/${idempotencyKey}`;
}
