// The wrong-answer report at small N, in the default test run: the labelled corpus is what its
// generator writes and the fault-free review gets it right with no false alarm; each of Baton's
// defences catches the wrong answers it is built for, and without it they are filed wrong; the
// draws are reproducible. The agents' own handlers run in this process (no model: their rules).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadCorpus, type CorpusContract } from '../src/corpus.js';
import { classifyByRules } from '../src/checks.js';
import { generateCorpus } from './generate-corpus.js';
import { loadConfig } from '@baton/contracts';
import { ClassifyConfig } from '../../../services/contract-classify/src/classify.js';
import { DraftConfig, draftByRules } from '../../../services/contract-draft/src/draft.js';
import { ExtractConfig } from '../../../services/contract-extract/src/extract.js';
import { DEFAULT_POLICY_FILE, checkPolicy, loadPolicy } from '../../../services/contract-policy/src/policy.js';
import { clauseRisks } from '../src/rules.js';
import {
  ALL_DEFENCES,
  batonOutcome,
  chainOutcome,
  runReviews,
  type Answers,
  type Defences,
  type StepRates,
} from '../../../tests/chaos/contract-wrong-answers.js';
import { report } from '../../../tests/chaos/contract-wrong-answers.report.js';

const corpus = loadCorpus().contracts;
const policy = loadPolicy(DEFAULT_POLICY_FILE);
const NONE: Defences = { coverage: false, policyOnSource: false, secondOpinion: false, draft: false };
const only = (d: keyof Defences): Defences => ({ ...NONE, [d]: true });
const allBut = (d: keyof Defences): Defences => ({ ...ALL_DEFENCES, [d]: false });
const RIGHT: StepRates = { extract: 0, classify: 0, draft: 0 };
const count = (answers: Answers[], defences: Defences, outcome: string) =>
  answers.filter((a) => batonOutcome(a, policy, defences).outcome === outcome).length;

describe('wrong answers: the labelled corpus', () => {
  it('ships at least 50 contracts, exactly what its generator writes, each with clauses and their risks, parties and amounts', () => {
    assert.ok(corpus.length >= 50);
    assert.deepEqual(
      loadCorpus(),
      generateCorpus(),
      'corpus/contracts.json is out of date: run test/generate-corpus.ts',
    );
    const risks = new Set(corpus.flatMap((c) => c.truth.clauses.map((k) => k.risk)));
    assert.deepEqual([...risks].sort(), ['high', 'low', 'medium']);
    assert.ok(corpus.every((c) => c.truth.parties.length === 2 && c.truth.amounts.length > 0));
  });

  it('with no wrong answer, every review of the corpus is right and no check raises a false alarm', async () => {
    const { answers } = await runReviews(corpus, corpus.length, RIGHT);
    assert.deepEqual(
      answers.filter((a) => chainOutcome(a, policy).outcome !== 'filed-correct').map((a) => a.contract.id),
      [],
    );
    assert.deepEqual(
      answers.filter((a) => batonOutcome(a, policy).outcome !== 'filed-correct').map((a) => a.contract.id),
      [],
    );
  });
});

describe('wrong answers: each defence catches what it is built for', () => {
  let wrongExtraction: Answers[];
  let wrongClassification: Answers[];
  let wrongDraft: Answers[];
  before(async () => {
    // Every answer of one step wrong, the others right: what each defence is measured on.
    [wrongExtraction, wrongClassification, wrongDraft] = await Promise.all([
      runReviews(corpus, corpus.length, { ...RIGHT, extract: 1 }).then((r) => r.answers),
      runReviews(corpus, corpus.length, { ...RIGHT, classify: 1 }).then((r) => r.answers),
      runReviews(corpus, corpus.length, { ...RIGHT, draft: 1 }).then((r) => r.answers),
    ]);
  });

  it('coverage check: a dropped clause, a misread amount, swapped parties go to a person; without it they are filed wrong', () => {
    const wrongIn = new Set(wrongExtraction.flatMap((a) => chainOutcome(a, policy).wrongIn));
    assert.ok(
      ['clauses', 'amounts', 'parties'].every((w) => wrongIn.has(w)),
      `the wrong extractions include all three kinds (${[...wrongIn].join(', ')})`,
    );
    assert.equal(count(wrongExtraction, only('coverage'), 'filed-wrong'), 0);
    assert.equal(count(wrongExtraction, only('coverage'), 'person'), corpus.length);
    assert.ok(
      count(wrongExtraction, allBut('coverage'), 'filed-wrong') > corpus.length / 2,
      'without the coverage check, wrong extractions are filed',
    );
  });

  it('policy over the source: a dropped clause that breaks a policy rule reaches a person; over the clauses only, it is filed wrong', () => {
    const dropped = (contract: CorpusContract): Answers => {
      const at = contract.truth.clauses.findIndex((c) => c.rules.length > 0);
      const clauses = contract.truth.clauses
        .filter((_, i) => i !== at)
        .map((c, i) => ({ id: `c${i + 1}`, heading: c.heading, text: c.text }));
      const assessments = classifyByRules(clauses);
      const findings = checkPolicy(policy, clauses, contract.text);
      const draft = draftByRules(
        contract.title,
        contract.counterparty.name,
        clauseRisks(clauses, assessments, findings),
        findings,
      );
      return { contract, workflowId: contract.id, clauses, assessments, findings, draft, wrong: ['extract'] };
    };
    const answers = corpus.filter((c) => c.truth.clauses.some((k) => k.rules.length > 0)).map(dropped);
    assert.ok(answers.length > 10);
    assert.deepEqual(
      answers.map((a) => batonOutcome(a, policy, only('policyOnSource')).person),
      answers.map(() => 'policy-on-source'),
    );
    assert.equal(count(answers, NONE, 'filed-wrong'), answers.length, 'over the clauses only, each is filed wrong');
  });

  it('second opinion: a misclassified risk goes to a person; without it, it is filed wrong', () => {
    assert.equal(count(wrongClassification, only('secondOpinion'), 'filed-wrong'), 0);
    assert.equal(count(wrongClassification, only('secondOpinion'), 'person'), corpus.length);
    assert.ok(count(wrongClassification, allBut('secondOpinion'), 'filed-wrong') > corpus.length / 2);
  });

  it('draft check: a dropped, weakened or meaning-changing redline goes to a person; without it, it is filed wrong', () => {
    assert.equal(count(wrongDraft, only('draft'), 'filed-wrong'), 0);
    assert.equal(count(wrongDraft, only('draft'), 'person'), corpus.length);
    assert.equal(count(wrongDraft, allBut('draft'), 'filed-wrong'), corpus.length);
  });
});

describe('wrong answers: the fault mode', () => {
  it("is set through the agents' config loaders, off by default, and a rate outside 0..1 is refused", () => {
    assert.equal(loadConfig(ExtractConfig, {}).BATON_CONTRACT_WRONG_RATE, undefined);
    assert.deepEqual(
      [loadConfig(ClassifyConfig, { BATON_CONTRACT_WRONG_RATE: '0.03', BATON_CONTRACT_WRONG_SEED: '7' })].map((c) => [
        c.BATON_CONTRACT_WRONG_RATE,
        c.BATON_CONTRACT_WRONG_SEED,
      ]),
      [[0.03, 7]],
    );
    assert.throws(() => loadConfig(DraftConfig, { BATON_CONTRACT_WRONG_RATE: '3' }), /BATON_CONTRACT_WRONG_RATE/);
  });
});

describe('wrong answers: the report', () => {
  it('draws the same wrong answers for the same seed; Baton files none of them wrong where the naive chain does', async () => {
    const rates: StepRates = { extract: 0.1, classify: 0.1, draft: 0.1 };
    const [first, again] = await Promise.all([runReviews(corpus, 120, rates, 7), runReviews(corpus, 120, rates, 7)]);
    assert.deepEqual(first.answers, again.answers);
    const text = report(first.answers, first.policy, 0.1);
    const row = (label: string) =>
      text
        .split('\n')
        .find((l) => l.startsWith(label))
        ?.split(/\s{3,}/) ?? [];
    const [, naive, , baton] = row('filed and wrong');
    assert.notEqual(naive, '0.00% (0)', 'the naive chain filed some wrong');
    assert.equal(baton, '0.00% (0)', 'Baton filed none wrong');
  });
});
