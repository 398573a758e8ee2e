// The contract review as a business process: ingest the document (into the object store; later
// steps get its reference) -> extract the clauses -> classify each clause's risk -> check them
// against the company's policy -> draft the summary and redlines -> check the answers against
// the source and the rules -> (legal approves when any clause is high-risk or a check flags)
// -> file it in the records system. Nothing is filed before the gate, so a declined or expired
// review has nothing to undo. Types only from the contracts: no zod here.
import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { BatonCustomer, causeOf, runWorkflow, type RunOf } from '@baton/workflow-kit/workflow';
import type { ContractReviewAgents } from './contracts.js';
import {
  contractReview,
  type ContractGatePayload,
  type ContractReviewInput,
  type ContractReviewState,
  type ContractReviewStatus,
} from './definition.js';
import { CONTRACT_APPROVAL_TIERS, CONTRACT_STEP } from './policies.js';
import { checkAnswers, type AnswerCheck } from './checks.js';
import { patches } from './patches.js';
import { clauseRisks, needsApproval, overallRisk } from './rules.js';

type Run = RunOf<typeof contractReview>;

export async function contractReviewWorkflow(input: ContractReviewInput): Promise<ContractReviewStatus> {
  const { contractId, title, counterparty } = input.event.data;
  return runWorkflow(
    contractReview,
    { state: 'Ingesting document', eventId: input.event.id, contract: { contractId, title, counterparty } },
    input,
    (run) => review(run, input),
  );
}

async function review(run: Run, input: ContractReviewInput): Promise<ContractReviewStatus> {
  const { status } = run;
  const { contractId, title, counterparty, text } = input.event.data;
  const policy = { policy: CONTRACT_STEP };
  upsertSearchAttributes([{ key: BatonCustomer, value: counterparty.id }]);
  try {
    run.enter('Ingesting document');
    const ingested = await run.step('contract-ingest', 'ingest', { contractId, title, text }, policy);
    const document = ingested.document;
    status.document = document;

    run.enter('Extracting clauses');
    const { clauses } = await run.step(
      'contract-extract',
      'extract',
      { document },
      { ...policy, personMaySupplyOutput: true },
    );
    status.clauseCount = clauses.length;

    run.enter('Classifying risk');
    const { assessments } = await run.step(
      'contract-classify',
      'classify',
      { clauses },
      { ...policy, personMaySupplyOutput: true },
    );
    status.assessments = assessments;

    run.enter('Checking policy');
    const checked = await run.step('contract-policy', 'policy-check', { document, clauses }, policy);
    status.policyVersion = checked.policyVersion;
    status.findings = checked.findings;
    const risks = clauseRisks(clauses, assessments, checked.findings);
    status.risks = risks;
    status.overallRisk = overallRisk(risks);

    run.enter('Drafting summary');
    let draft = await run.step(
      'contract-draft',
      'draft',
      { title, counterparty, clauses, risks, findings: checked.findings },
      { ...policy, personMaySupplyOutput: true },
    );
    status.draft = draft;

    // An answer may pass its contract and still be wrong: the checks between steps (checks.ts)
    // hold the model-backed answers against the source and the rules; any flag reaches a person.
    let checks: AnswerCheck[] = [];
    if (patches.has('check-answers')) {
      checks = checkAnswers({ source: text, clauses, assessments, findings: checked.findings, draft });
      status.checks = checks;
    }

    let approvedBy: string | undefined;
    // The rule on the route: any high-risk clause reaches a person, whatever a model said.
    if (needsApproval(risks) || checks.length > 0) {
      const outcome = await run.gate<ContractGatePayload>({
        gateId: `${workflowInfo().workflowId}/approval`,
        gateType: 'contract.high-risk',
        payload: {
          contract: status.contract,
          overallRisk: status.overallRisk,
          clauses: risks,
          findings: checked.findings,
          draft,
          ...(checks.length ? { checks } : {}),
        },
        options: ['approve', 'decline'],
        tiers: CONTRACT_APPROVAL_TIERS,
        safeDefault: 'do not file: the contract goes back to the submitter unsigned',
      });
      if (outcome.kind === 'timed-out') return run.end('Expired');
      if (outcome.kind !== 'approved') return run.end('Declined');
      // From here on, exactly what was approved.
      draft = outcome.payload.draft;
      approvedBy = outcome.decision.decidedBy;
    }

    run.enter('Filing');
    status.filing = await run.step(
      'contract-filing',
      'file',
      {
        contractId,
        title,
        counterparty,
        document,
        overallRisk: status.overallRisk,
        draft,
        ...(approvedBy ? { approvedBy } : {}),
      },
      policy,
    );
    return run.end('Filed');
  } catch (err) {
    // A step abandoned by a person (or nobody took it over in time): nothing was filed.
    return run.fail(err, 'Failed');
  }
}
