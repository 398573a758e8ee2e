// The wrong-answer report (`npm run reliability:wrong`): N reviews of the labelled corpus, each
// model-backed step (extract, classify, draft) answering wrong at RATE, valid by its contract;
// what the naive chain, the chain with retries and Baton file, right or wrong, and what Baton
// sends to a person; then each of Baton's defences on its own. Runs in this process in seconds
// (contract-wrong-answers.ts says how and why). Arguments (all optional): --n 2000 --rate 0.03 --seed 1
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadCorpus } from '@baton/workflow-contract-review/corpus';
import {
  ALL_DEFENCES,
  MODEL_STEPS,
  batonOutcome,
  chainOutcome,
  runReviews,
  type Answers,
  type Decided,
  type Defences,
} from './contract-wrong-answers.js';
import type { CompanyPolicy } from '@baton/workflow-contract-review';

const pct = (k: number, n: number) => `${((100 * k) / n).toFixed(2)}% (${k})`;

function table(title: string, header: string[], rows: Array<Array<string | number>>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i] ?? '').length)));
  const line = (cells: Array<string | number>) =>
    cells
      .map((c, i) => String(c).padEnd(widths[i]!))
      .join('   ')
      .trimEnd();
  return [title, line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const DEFENCE_NAMES: Record<keyof Defences, string> = {
  coverage: 'coverage check (extraction vs every sentence of the source)',
  policyOnSource: 'policy over the source text, not only the clauses',
  secondOpinion: 'rules second opinion on each clause risk',
  draft: 'draft check (a redline per finding, none rated high)',
};
const NONE: Defences = { coverage: false, policyOnSource: false, secondOpinion: false, draft: false };

export interface Column {
  filedCorrect: number;
  filedWrong: number;
  person: number;
  /** Of those sent to a person: by a check or the policy's text outside the clauses. */
  personByCheck: number;
  /** Filed after the gate every high-risk contract gets (by design, not a defence). */
  highRiskGate: number;
}

export function tally(decided: Decided[]): Column {
  return {
    filedCorrect: decided.filter((d) => d.outcome === 'filed-correct').length,
    filedWrong: decided.filter((d) => d.outcome === 'filed-wrong').length,
    person: decided.filter((d) => d.outcome === 'person').length,
    personByCheck: decided.filter((d) => d.person === 'check' || d.person === 'policy-on-source').length,
    highRiskGate: decided.filter((d) => d.outcome !== 'person' && d.person === 'high-risk').length,
  };
}

export function report(answers: Answers[], policy: CompanyPolicy, rate: number): string {
  const n = answers.length;
  const wrongAnswers = answers.reduce((s, a) => s + a.wrong.length, 0);
  const reviewsWithWrong = answers.filter((a) => a.wrong.length > 0).length;
  const chain = tally(answers.map((a) => chainOutcome(a, policy)));
  const baton = tally(answers.map((a) => batonOutcome(a, policy)));
  const steps = MODEL_STEPS.map((s) => answers.filter((a) => a.wrong.includes(s)).length).join(' / ');
  const main = table(
    `Wrong-answer report: contract review on the labelled corpus (${new Set(answers.map((a) => a.contract.id)).size} contracts), ${n} reviews, ${rate * 100}% wrong answers per model-backed step (${MODEL_STEPS.join(', ')}); ${wrongAnswers} wrong answers (${steps}) in ${pct(reviewsWithWrong, n)} of reviews (theory 1-(1-${rate})^3 = ${(100 * (1 - (1 - rate) ** 3)).toFixed(2)}%).`,
    ['', 'naive chain', 'retries only', 'Baton'],
    [
      ['filed and correct', pct(chain.filedCorrect, n), pct(chain.filedCorrect, n), pct(baton.filedCorrect, n)],
      ['filed and wrong', pct(chain.filedWrong, n), pct(chain.filedWrong, n), pct(baton.filedWrong, n)],
      ['sent to a person by a check', '0.00% (0)', '0.00% (0)', pct(baton.personByCheck, n)],
      ['  (filed after the high-risk gate, by design)', '', '', pct(baton.highRiskGate, n)],
      ['extra model calls per review', '0', '0 (no error to retry)', '0 (rules second opinion)'],
    ],
  );
  const rows = (Object.keys(DEFENCE_NAMES) as Array<keyof Defences>).map((d) => {
    const alone = tally(answers.map((a) => batonOutcome(a, policy, { ...NONE, [d]: true })));
    const without = tally(answers.map((a) => batonOutcome(a, policy, { ...ALL_DEFENCES, [d]: false })));
    return [DEFENCE_NAMES[d], pct(alone.filedWrong, n), pct(alone.personByCheck, n), pct(without.filedWrong, n)];
  });
  const none = tally(answers.map((a) => batonOutcome(a, policy, NONE)));
  const each = table(
    'Each defence on its own (Baton with only it; and with all but it):',
    ['defence', 'alone: filed wrong', 'alone: to a person', 'all but it: filed wrong'],
    [['none (the gate on high-risk clauses only)', pct(none.filedWrong, n), pct(none.personByCheck, n), ''], ...rows],
  );
  return `${main}\n\n${each}\n`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      n: { type: 'string', default: '2000' },
      rate: { type: 'string', default: '0.03' },
      seed: { type: 'string', default: '1' },
    },
  });
  const [n, rate, seed] = [Number(values.n), Number(values.rate), Number(values.seed)];
  const started = Date.now();
  const { answers, policy } = await runReviews(
    loadCorpus().contracts,
    n,
    { extract: rate, classify: rate, draft: rate },
    seed,
  );
  process.stdout.write(
    `\n${report(answers, policy, rate)}\n(seed ${seed}; ${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
  );
}
