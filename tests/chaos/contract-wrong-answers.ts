// The wrong-answer report's engine: the contract review on the labelled corpus when the
// model-backed steps (extract, classify, draft) answer wrong at a rate per step, answers that
// pass their zod contracts and are wrong in content. Each review runs the agents' own handlers
// in this process (as contract-chain.ts does for the retry report), with their wrong-answer mode
// set through their config; the same answers are then taken three ways:
//   - the naive chain and the chain with retries file what the agents answered (a retry only
//     follows an error, and a wrong answer is not one);
//   - Baton applies what its workflow applies, through the same pure functions the workflow
//     code calls (rules.ts, checks.ts): the policy over the clauses and the source, the checks
//     between steps, and the approval gate for a high-risk clause or any flag.
// Baton's side does not go through the workflow harness: 2,000 reviews on Temporal's test
// server take minutes on a loaded machine, and the workflow test (contract-review.workflow.test.ts)
// shows the workflow calls these functions and opens the gate on their flags.
// "Filed" means what the filing step would be given (the filing itself is not model-backed and
// not run here). A review is correct when that matches the ground truth: the clauses as written
// (parties and amounts among them), each clause's risk, the redlines the policy asks for.
import { offlineCapabilities, type AgentContext } from '@baton/agent';
import { ALL_CHECKS, checkAnswers, type CheckSet } from '@baton/workflow-contract-review/checks';
import {
  clauseRisks,
  needsApproval,
  type Clause,
  type ClauseRisk,
  type CompanyPolicy,
  type PolicyFinding,
  type ReviewDraft,
} from '@baton/workflow-contract-review';
import { amountsOf, type CorpusContract } from '@baton/workflow-contract-review/corpus';
import { wrongDraw } from '@baton/workflow-contract-review/wrong-answers';
import { createLogger } from '@baton/telemetry';
import { loadConfig } from '@baton/contracts';
import { ClassifyConfig, classifyAgent } from '../../services/contract-classify/src/classify.js';
import { DraftConfig, draftAgent } from '../../services/contract-draft/src/draft.js';
import { ExtractConfig, extractAgent } from '../../services/contract-extract/src/extract.js';
import { ingestAgent } from '../../services/contract-ingest/src/ingest.js';
import {
  DEFAULT_POLICY_FILE,
  checkPolicy,
  loadPolicy,
  policyAgent,
} from '../../services/contract-policy/src/policy.js';
import { chainContext } from './chain-context.js';

export const MODEL_STEPS = ['extract', 'classify', 'draft'] as const;
export type ModelStep = (typeof MODEL_STEPS)[number];
export type StepRates = Record<ModelStep, number>;

/** What the agents answered for one review, and which answers were drawn wrong. */
export interface Answers {
  contract: CorpusContract;
  workflowId: string;
  clauses: Clause[];
  assessments: Awaited<ReturnType<ReturnType<typeof classifyAgent>['handle']>>['assessments'];
  findings: PolicyFinding[];
  draft: ReviewDraft;
  /** The steps whose answer the fault mode replaced. */
  wrong: ModelStep[];
}

const logger = createLogger('contract-wrong-answers', 'error');

/** Runs the agents' handlers for one review; `rates` per model-backed step, `seed` for the draws. */
export function contractAnswers(rates: StepRates, seed = 1) {
  // Through the agents' own config loaders, from the variables a deployed agent would be given.
  const env = (step: ModelStep) => ({
    BATON_CONTRACT_WRONG_RATE: String(rates[step]),
    BATON_CONTRACT_WRONG_SEED: String(seed),
  });
  const policy = loadPolicy(DEFAULT_POLICY_FILE);
  const agents = {
    ingest: ingestAgent({ BATON_CONTRACT_FAULT_RATE: 0 }),
    extract: extractAgent(loadConfig(ExtractConfig, env('extract'))),
    classify: classifyAgent(loadConfig(ClassifyConfig, env('classify'))),
    policy: policyAgent({ BATON_CONTRACT_FAULT_RATE: 0, BATON_CONTRACT_POLICY_FILE: DEFAULT_POLICY_FILE }, policy),
    draft: draftAgent(loadConfig(DraftConfig, env('draft'))),
  };
  return {
    policy,
    async answer(contract: CorpusContract, workflowId: string): Promise<Answers> {
      const capabilities = offlineCapabilities(logger);
      // The draws the agents make, made again here to count them (the same seed, ids and rates).
      const wrong = MODEL_STEPS.filter((step) => wrongDraw(rates[step], seed, workflowId, step) !== undefined);
      const context = (stepId: string): AgentContext =>
        chainContext({
          workflowId,
          stepId,
          logger,
          tracer: 'contract-wrong-answers',
          capabilities,
          callExternal: () => Promise.reject(new Error('no external system in this report')),
        });
      const { title, counterparty, text } = contract;
      const { document } = await agents.ingest.handle({ contractId: contract.id, title, text }, context('ingest'));
      const { clauses } = await agents.extract.handle({ document }, context('extract'));
      const { assessments } = await agents.classify.handle({ clauses }, context('classify'));
      const { findings } = await agents.policy.handle({ document, clauses }, context('policy-check'));
      const risks = clauseRisks(clauses, assessments, findings);
      const draft = await agents.draft.handle({ title, counterparty, clauses, risks, findings }, context('draft'));
      return { contract, workflowId, clauses, assessments, findings, draft, wrong };
    },
  };
}

const norm = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();

/** What is wrong in a filed record against the ground truth; empty when it is right. */
export function judge(
  contract: CorpusContract,
  policy: CompanyPolicy,
  filed: { clauses: Clause[]; risks: ClauseRisk[]; draft: ReviewDraft },
): string[] {
  const truth = contract.truth;
  const out: string[] = [];
  const texts = filed.clauses.map((c) => norm(c.text));
  if (texts.length !== truth.clauses.length || truth.clauses.some((c, i) => norm(c.text) !== texts[i]))
    out.push('clauses');
  const all = filed.clauses.map((c) => c.text).join('\n');
  if (
    truth.parties.some((p) => !all.includes(p)) ||
    /\("the Supplier"\)[^\n]*\("the Company"\)/.test(all.split('\n').slice(0, 3).join(' '))
  )
    out.push('parties');
  if (amountsOf(all).join('|') !== truth.amounts.join('|')) out.push('amounts');
  const risks = filed.risks.map((r) => `${r.clauseId}:${r.risk}`).join('|');
  if (risks !== truth.clauses.map((c) => `${c.id}:${c.risk}`).join('|')) out.push('risks');
  const wording = new Map(policy.rules.map((r) => [r.id, norm(r.redline)]));
  const expected = truth.clauses.flatMap((c) => c.rules.map((rule) => `${c.id}|${wording.get(rule)}`)).sort();
  const redlines = [...new Set(filed.draft.redlines.map((r) => `${r.clauseId}|${norm(r.proposed)}`))].sort();
  if (expected.join('\n') !== redlines.join('\n')) out.push('redlines');
  return out;
}

/** Baton's defences, each of which the report turns off on its own. */
export interface Defences extends CheckSet {
  /** The policy also over the document itself, not only the extracted clauses. */
  policyOnSource: boolean;
}
export const ALL_DEFENCES: Defences = { ...ALL_CHECKS, policyOnSource: true };

export type Outcome = 'filed-correct' | 'filed-wrong' | 'person';
export interface Decided {
  outcome: Outcome;
  /** Why a person saw it: a check flagged, or the gate on a high-risk clause (by design). */
  person?: 'check' | 'policy-on-source' | 'high-risk';
  wrongIn: string[];
}

/** The naive chain (and the chain with retries) files what the agents answered. */
export function chainOutcome(a: Answers, policy: CompanyPolicy): Decided {
  const wrongIn = judge(a.contract, policy, {
    clauses: a.clauses,
    risks: clauseRisks(a.clauses, a.assessments, a.findings),
    draft: a.draft,
  });
  return { outcome: wrongIn.length ? 'filed-wrong' : 'filed-correct', wrongIn };
}

/** Baton: the workflow's rules and checks on the same answers. A review at the gate whose
 *  wrong answer the person is shown (a flag, or policy text no clause holds) counts as sent to
 *  a person; one at the gate for a high-risk clause only is approved as shown, so a wrong
 *  answer there that nothing pointed at is filed wrong. */
export function batonOutcome(a: Answers, policy: CompanyPolicy, defences: Defences = ALL_DEFENCES): Decided {
  const findings = defences.policyOnSource ? a.findings : checkPolicy(policy, a.clauses, '');
  const draft = defences.policyOnSource
    ? a.draft
    : { ...a.draft, redlines: a.draft.redlines.filter((r) => r.clauseId !== 'document') };
  const risks = clauseRisks(a.clauses, a.assessments, findings);
  const checks = checkAnswers(
    { source: a.contract.text, clauses: a.clauses, assessments: a.assessments, findings, draft },
    defences,
  );
  const wrongIn = judge(a.contract, policy, { clauses: a.clauses, risks, draft });
  if (checks.length > 0) return { outcome: 'person', person: 'check', wrongIn };
  if (risks.some((r) => r.clauseId === 'document')) return { outcome: 'person', person: 'policy-on-source', wrongIn };
  if (needsApproval(risks) && wrongIn.length === 0) return { outcome: 'filed-correct', person: 'high-risk', wrongIn };
  return {
    outcome: wrongIn.length ? 'filed-wrong' : 'filed-correct',
    ...(needsApproval(risks) ? { person: 'high-risk' as const } : {}),
    wrongIn,
  };
}

/** Runs `n` reviews over the corpus (review i reads contract i mod corpus size). */
export async function runReviews(
  corpus: CorpusContract[],
  n: number,
  rates: StepRates,
  seed = 1,
): Promise<{ answers: Answers[]; policy: CompanyPolicy }> {
  const engine = contractAnswers(rates, seed);
  const answers: Answers[] = [];
  for (let i = 0; i < n; i++) answers.push(await engine.answer(corpus[i % corpus.length]!, `review-${i + 1}`));
  return { answers, policy: engine.policy };
}
