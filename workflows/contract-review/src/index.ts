// The contract review registers itself: its event type and how it starts the workflow, its
// agents' contracts, its gate type (in its definition), its workflow function, and how the
// console shows a review to the approver: every clause with its risk and why, and what the
// checks between steps disagreed with.
import { defineWorkflow, sourceModule } from '@baton/workflow-kit';
import { ContractSubmitted, contractReviewAgents, type ContractReviewAgents } from './contracts.js';
import {
  contractReview,
  contractReviewWorkflowId,
  workflowTypes,
  type ContractGatePayload,
  type ContractReviewInput,
  type ContractReviewStatus,
} from './definition.js';

export default defineWorkflow<ContractReviewStatus, ContractReviewAgents>({
  definition: contractReview,
  workflowName: workflowTypes.contractReview,
  workflowModule: sourceModule(import.meta.url, './workflow.ts'),
  events: {
    'contract.submitted.v1': {
      schema: ContractSubmitted,
      start: (event: ContractSubmitted) => ({
        workflowId: contractReviewWorkflowId(event.idempotencykey, event.source),
        input: { event } satisfies ContractReviewInput,
      }),
    },
  },
  agents: contractReviewAgents,
  view: {
    summary: (s) =>
      `${s.contract.title} with ${s.contract.counterparty.name}${s.overallRisk ? ` · ${s.overallRisk} risk` : ''}`,
    context: (s, history) => {
      const payload = s.gate?.kind === 'approval' ? (s.gate.payload as ContractGatePayload) : undefined;
      const risks = payload?.clauses ?? s.risks ?? [];
      const high = risks.filter((r) => r.risk === 'high');
      const checks = payload?.checks ?? s.checks ?? [];
      const why = [
        high.length
          ? `${high.length} high-risk clause(s): ${high.map((r) => `${r.clauseId} ${r.heading}`).join('; ')}`
          : 'no high-risk clause',
        ...(checks.length
          ? [
              `${checks.length} check(s) disagree with what the agents answered (${[...new Set(checks.map((c) => c.check))].join(', ')})`,
            ]
          : []),
      ];
      return [
        { label: 'why a person', id: 'why', value: why.join(' · ') },
        // The disagreements, each where the person can see it: what a check found against an answer.
        ...checks.map((c, i) => ({
          label: `check · ${c.check} · ${c.clauseId}`,
          id: `check-${i + 1}`,
          emphasis: true,
          value: c.detail,
        })),
        {
          label: 'contract',
          id: 'contract',
          value: `${s.contract.title} (${s.contract.contractId}) with ${s.contract.counterparty.name} (${s.contract.counterparty.id})${history ? ` · ${history.previous} earlier contract(s) with them filed` : ''}`,
        },
        {
          label: 'overall risk',
          id: 'overall-risk',
          emphasis: s.overallRisk === 'high',
          value: s.overallRisk ?? 'not yet assessed',
        },
        ...risks.map((r) => ({
          label: `${r.clauseId} · ${r.heading || 'clause'}`,
          id: `clause-${r.clauseId}`,
          emphasis: r.risk === 'high',
          value: `${r.risk.toUpperCase()} — ${r.reasons.join(' · ')}`,
        })),
        { label: 'summary', id: 'summary', value: (payload?.draft ?? s.draft)?.summary ?? '' },
        {
          label: 'redlines',
          id: 'redlines',
          value:
            ((payload?.draft ?? s.draft)?.redlines ?? []).map((r) => `${r.clauseId}: ${r.proposed}`).join(' · ') ||
            'none',
        },
      ];
    },
    customerId: (s) => s.contract.counterparty.id,
    successState: 'Filed',
  },
});

export * from './contracts.js';
export * from './definition.js';
export { CONTRACT_STEP, CONTRACT_APPROVAL_TIERS } from './policies.js';
export { clauseRisks, needsApproval, overallRisk, higher } from './rules.js';
export {
  checkAnswers,
  coverage,
  secondOpinion,
  draftChecks,
  classifyByRules,
  type AnswerCheck,
  type CheckSet,
} from './checks.js';
export { patches as contractReviewPatches } from './patches.js';
