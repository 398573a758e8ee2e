// The wrong-answer fault mode of the contract review's model-backed steps (extract, classify,
// draft): at a rate per step, the answer is replaced by one that still passes the agent's zod
// contract but is wrong the way a model is wrong: a clause dropped, an amount misread, the
// parties' roles swapped, a clause's risk misclassified, a redline dropped or weakened. Drawn
// reproducibly: the draw for a task depends only on the seed, the workflow id and the step id,
// so a report or a test run twice injects the same wrong answers. Off unless a rate is set (the
// agents take it from BATON_CONTRACT_WRONG_RATE through their config loader; tests only).
import { z } from 'zod';
import type { Clause, ClauseAssessment, ReviewDraft, Risk } from './contracts.js';

export const WrongAnswerConfig = z.object({
  /** Share of answers each model-backed contract agent replaces by a wrong one, 0..1 (tests only; absent: off). */
  BATON_CONTRACT_WRONG_RATE: z.coerce.number().min(0).max(1).optional(),
  /** Seed of the wrong-answer draws (absent: 1). */
  BATON_CONTRACT_WRONG_SEED: z.coerce.number().int().optional(),
});
export type WrongAnswerConfig = z.output<typeof WrongAnswerConfig>;

export type WrongKind =
  | 'dropped-clause'
  | 'misread-amount'
  | 'swapped-parties'
  | 'misclassified-risk'
  | 'dropped-redline'
  | 'weakened-redline'
  | 'harmful-redline';

/** A small seeded generator (mulberry32 over an FNV-1a hash of the key): numbers in [0, 1). */
export function seededRandom(key: string): () => number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The draw for one task: a generator to shape the wrong answer with, or undefined (answer as is). */
export function wrongDraw(rate: number, seed: number, workflowId: string, stepId: string): (() => number) | undefined {
  if (!(rate > 0)) return undefined;
  const random = seededRandom(`${seed}/${workflowId}/${stepId}`);
  return random() < rate ? random : undefined;
}

const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)]!;
const renumber = (clauses: Clause[]) => clauses.map((c, i) => ({ ...c, id: `c${i + 1}` }));

const AMOUNT = /£\s?\d[\d,]*|\b\d+(?= (?:days|months|years)\b)/;
/** A number read wrong: a digit doubled or one dropped, as a hurried reader does. */
function misread(value: string, random: () => number): string {
  const digits = value.replace(/[^\d]/g, '');
  const wrong = digits.length > 1 && random() < 0.5 ? digits.slice(0, -1) : `${digits}0`;
  return value.startsWith('£') ? `£${Number(wrong).toLocaleString('en-GB')}` : wrong;
}

/** A wrong extraction: a clause dropped, an amount misread, or the parties' roles swapped in one clause. */
export function wrongExtraction(clauses: Clause[], random: () => number): { clauses: Clause[]; kind: WrongKind } {
  const kinds: WrongKind[] = [];
  if (clauses.length > 1) kinds.push('dropped-clause');
  if (clauses.some((c) => AMOUNT.test(c.text))) kinds.push('misread-amount');
  if (clauses.some((c) => /\b(?:Company|Supplier)\b/.test(c.text))) kinds.push('swapped-parties');
  if (kinds.length === 0) return { clauses, kind: 'dropped-clause' };
  const kind = pick(kinds, random);
  if (kind === 'dropped-clause') {
    const drop = Math.floor(random() * clauses.length);
    return { clauses: renumber(clauses.filter((_, i) => i !== drop)), kind };
  }
  if (kind === 'misread-amount') {
    const target = pick(
      clauses.filter((c) => AMOUNT.test(c.text)),
      random,
    );
    return {
      clauses: clauses.map((c) =>
        c === target ? { ...c, text: c.text.replace(AMOUNT, (m) => misread(m, random)) } : c,
      ),
      kind,
    };
  }
  const target = pick(
    clauses.filter((c) => /\b(?:Company|Supplier)\b/.test(c.text)),
    random,
  );
  const swapped = target.text.replace(/\b(Company|Supplier)\b/g, (m) => (m === 'Company' ? 'Supplier' : 'Company'));
  return { clauses: clauses.map((c) => (c === target ? { ...c, text: swapped } : c)), kind };
}

/** A wrong classification: one clause's risk moved (a risky one read as low, a low one as high). */
export function wrongClassification(
  assessments: ClauseAssessment[],
  random: () => number,
): { assessments: ClauseAssessment[]; kind: WrongKind } {
  if (assessments.length === 0) return { assessments, kind: 'misclassified-risk' };
  const target = pick(assessments, random);
  const risk: Risk = target.risk === 'low' ? 'high' : 'low';
  return {
    assessments: assessments.map((a) =>
      a === target ? { ...a, risk, reason: risk === 'low' ? 'standard wording' : a.reason } : a,
    ),
    kind: 'misclassified-risk',
  };
}

/** Wording that sounds like a fix and keeps (or adds) the risk. */
const WEAK_WORDING = [
  "Each party's liability is limited to the fees paid, except that the Company's liability for claims under this clause is unlimited.",
  'The Company shall indemnify the Supplier against any and all claims arising from this agreement.',
  'The Supplier may amend this clause at any time without notice to the Company.',
  'The Company shall buy these services exclusively from the Supplier for the term.',
];

/** A wrong draft: a redline dropped or weakened, or (with none to weaken) one that changes a clean clause's meaning. */
export function wrongDraft(
  draft: ReviewDraft,
  clauseIds: string[],
  random: () => number,
): { draft: ReviewDraft; kind: WrongKind } {
  if (draft.redlines.length === 0) {
    const clauseId = pick(clauseIds.length ? clauseIds : ['c1'], random);
    return {
      draft: { ...draft, redlines: [{ clauseId, proposed: pick(WEAK_WORDING, random), reason: 'clarity' }] },
      kind: 'harmful-redline',
    };
  }
  const at = Math.floor(random() * draft.redlines.length);
  if (random() < 0.5)
    return { draft: { ...draft, redlines: draft.redlines.filter((_, i) => i !== at) }, kind: 'dropped-redline' };
  return {
    draft: {
      ...draft,
      redlines: draft.redlines.map((r, i) => (i === at ? { ...r, proposed: pick(WEAK_WORDING, random) } : r)),
    },
    kind: 'weakened-redline',
  };
}
