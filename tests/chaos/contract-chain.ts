// The baselines of the contract reliability report: the same six agent handlers called one after
// the other in this process with no Baton around them (no durable handoff, no ledger, no breaker),
// either once per step (the naive chain) or with one immediate retry per step. The first step
// that fails for good ends the review.
import { offlineCapabilities, type AgentContext } from '@baton/agent';
import { clauseRisks, overallRisk, type ContractSubmitted } from '@baton/workflow-contract-review';
import { createLogger } from '@baton/telemetry';
import { classifyAgent } from '../../services/contract-classify/src/classify.js';
import { draftAgent } from '../../services/contract-draft/src/draft.js';
import { extractAgent } from '../../services/contract-extract/src/extract.js';
import { filingAgent } from '../../services/contract-filing/src/filing.js';
import { ingestAgent } from '../../services/contract-ingest/src/ingest.js';
import { DEFAULT_POLICY_FILE, policyAgent } from '../../services/contract-policy/src/policy.js';
import { recordsUrl } from '../e2e/contract-support.js';
import { chainContext } from './chain-context.js';

export const CONTRACT_STEPS = ['ingest', 'extract', 'classify', 'policy-check', 'draft', 'file'] as const;
export type ContractStep = (typeof CONTRACT_STEPS)[number];

export interface ChainOutcome {
  workflowId: string;
  filed: boolean;
  failedAt?: ContractStep;
  /** Attempts that failed, per step (a retried step that then succeeded counts here too). */
  failures: Partial<Record<ContractStep, number>>;
  attempts: Partial<Record<ContractStep, number>>;
}

const logger = createLogger('contract-chain', 'error');

export function contractChain(faultRate: number) {
  const fault = { BATON_CONTRACT_FAULT_RATE: faultRate };
  const agents = {
    ingest: ingestAgent(fault),
    extract: extractAgent(fault),
    classify: classifyAgent(fault),
    policy: policyAgent({ ...fault, BATON_CONTRACT_POLICY_FILE: DEFAULT_POLICY_FILE }),
    draft: draftAgent(fault),
    filing: filingAgent({ ...fault, BATON_RECORDS_URL: recordsUrl(), BATON_RECORDS_TIMEOUT_MS: 5_000 }),
  };

  /** One review; `tries` attempts per step (1: naive, 2: one retry). */
  return async function review(event: ContractSubmitted, workflowId: string, tries: number): Promise<ChainOutcome> {
    const outcome: ChainOutcome = { workflowId, filed: false, failures: {}, attempts: {} };
    // One in-memory artifact store per review (offline capabilities), as the object store is per key.
    const capabilities = offlineCapabilities(logger);
    const context = (stepId: string): AgentContext =>
      chainContext({ workflowId, stepId, logger, tracer: 'contract-chain', capabilities });
    const run = async <T>(step: ContractStep, fn: () => Promise<T>): Promise<T> => {
      for (let attempt = 1; ; attempt++) {
        outcome.attempts[step] = (outcome.attempts[step] ?? 0) + 1;
        try {
          return await fn();
        } catch (err) {
          outcome.failures[step] = (outcome.failures[step] ?? 0) + 1;
          if (attempt >= tries) {
            outcome.failedAt = step;
            throw err;
          }
        }
      }
    };
    const { contractId, title, counterparty, text } = event.data;
    try {
      const { document } = await run('ingest', () =>
        agents.ingest.handle({ contractId, title, text }, context('ingest')),
      );
      const { clauses } = await run('extract', () => agents.extract.handle({ document }, context('extract')));
      const { assessments } = await run('classify', () => agents.classify.handle({ clauses }, context('classify')));
      const { findings } = await run('policy-check', () =>
        agents.policy.handle({ document, clauses }, context('policy-check')),
      );
      const risks = clauseRisks(clauses, assessments, findings);
      const draft = await run('draft', () =>
        agents.draft.handle({ title, counterparty, clauses, risks, findings }, context('draft')),
      );
      await run('file', () =>
        agents.filing.handle(
          { contractId, title, counterparty, document, overallRisk: overallRisk(risks), draft },
          context('file'),
        ),
      );
      outcome.filed = true;
    } catch {
      // The chain ends here; outcome.failedAt says where.
    }
    return outcome;
  };
}
