// The contract review's checks between steps, pure code the workflow runs (and the wrong-answer
// report calls directly): an answer can pass its agent's contract and still be wrong, so the
// workflow checks the model-backed answers against the source and against the rules before it
// files anything without a person.
//   - coverage: every sentence of the source is in some extracted clause, and every sentence of
//     an extracted clause is in the source (a dropped clause, a misread amount or party);
//   - second opinion: the rules' reading of each clause's risk against the classification's
//     (the fields that decide the gate);
//   - draft: every policy finding has a redline, and no redline proposes wording the rules rate
//     high (a weakened or meaning-changing redline).
// Any flag sends the review to the approval gate with the flags shown to the person.
import type { Clause, ClauseAssessment, ClauseCategory, PolicyFinding, ReviewDraft, Risk } from './contracts.js';

/** Which category a clause is, by the first pattern its heading and text match. */
const CATEGORIES: Array<[ClauseCategory, RegExp]> = [
  ['liability', /\bliabilit|\bliable\b|\bdamages\b/i],
  ['indemnity', /\bindemn/i],
  ['intellectual-property', /\bintellectual property\b|\bcopyright|\bpatent|\blicen[cs]e\b/i],
  ['confidentiality', /\bconfidential/i],
  ['data-protection', /\bpersonal data\b|\bdata protection\b|\bgdpr\b/i],
  ['exclusivity', /\bexclusiv|\bnon-compet/i],
  ['renewal', /\brenew/i],
  ['termination', /\bterminat/i],
  ['payment', /\bpayment|\binvoice|\bfees?\b|\bpayable\b/i],
  ['amendment', /\bamend|\bmodif(?:y|ication)/i],
  ['governing-law', /\bgoverning law\b|\bjurisdiction\b|\bcourts? of\b/i],
];

/** Wording that puts the company at risk, with the risk and why. */
const RISKS: Array<[Risk, RegExp, string]> = [
  ['high', /\bunlimited\b|\bwithout (?:any )?limit/i, 'no cap on what the company may owe'],
  ['high', /\bindemnif\w*\b[^.]*\b(?:any and all|all claims|whatsoever)\b/i, 'an indemnity without bounds'],
  [
    'high',
    /\bassigns?\b[^.]*\b(?:all|any)\b[^.]*\b(?:intellectual property|rights?)\b/i,
    'the company gives up its rights',
  ],
  ['high', /\bexclusiv\w*|\bnon-compet\w*/i, 'the company may not work with others'],
  [
    'high',
    /\b(?:at any time|without notice)\b[^.]*\b(?:amend|change|modify)|\b(?:amend|change|modify)\b[^.]*\b(?:at any time|without notice)\b/i,
    'the other side may change the terms alone',
  ],
  ['medium', /\bautomatic(?:ally)? renew/i, 'renews unless someone remembers to cancel'],
  ['medium', /\bwithin\s+(?:[6-9]\d|\d{3,})\s+days\b/i, 'long payment terms'],
  ['medium', /\bterminat\w*\b[^.]*\bfor convenience\b/i, 'the other side may walk away at will'],
  ['medium', /\bpersonal data\b/i, 'personal data is involved'],
];

/** The rules' risk of a piece of wording, with why. */
export function riskOfText(text: string): { risk: Risk; reason: string } {
  const found = RISKS.find(([, p]) => p.test(text));
  return found ? { risk: found[0], reason: found[2] } : { risk: 'low', reason: 'standard wording' };
}

/** The deterministic classification: the classify agent's fallback and the second opinion. */
export function classifyByRules(clauses: Clause[]): ClauseAssessment[] {
  return clauses.map((c) => {
    const category = CATEGORIES.find(([, p]) => p.test(`${c.heading}\n${c.text}`))?.[0] ?? 'other';
    return { clauseId: c.id, category, ...riskOfText(c.text) };
  });
}

/** One thing a check found: shown to the person at the gate. */
export interface AnswerCheck {
  check: 'coverage' | 'second-opinion' | 'draft';
  /** The clause concerned, or `document`. */
  clauseId: string;
  detail: string;
}

const norm = (s: string) =>
  s
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
const NUMBERING = /^\s*(?:(?:clause|section|article)\s+)?\d{1,3}[.)]?\s+/i;

/** The sentences of a text, clause numbering removed, normalised; pieces with no letter dropped. */
export function sentencesOf(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(NUMBERING, ''))
    .flatMap((line) => line.split(/(?<=[.!?;])\s+/))
    .map(norm)
    .filter((s) => /[a-z]/.test(s));
}

export interface Coverage {
  /** Share of the source's sentences some clause holds, 0..1. */
  ratio: number;
  /** Source sentences no clause holds (the extraction dropped them). */
  missing: string[];
  /** Clause sentences the source does not hold (the extraction changed them). */
  unfaithful: Array<{ clauseId: string; sentence: string }>;
}

export function coverage(source: string, clauses: Clause[]): Coverage {
  const sentences = sentencesOf(source);
  const held = clauses.map((c) => norm(c.text)).join('\n');
  const missing = sentences.filter((s) => !held.includes(s));
  // One line of the source may be two in a clause and the other way round: a clause's sentence
  // is held against the source as one run of text.
  const whole = norm(
    source
      .split('\n')
      .map((line) => line.replace(NUMBERING, ''))
      .join(' '),
  );
  const unfaithful = clauses.flatMap((c) =>
    sentencesOf(c.text)
      .filter((s) => !whole.includes(s))
      .map((sentence) => ({ clauseId: c.id, sentence })),
  );
  return { ratio: sentences.length ? (sentences.length - missing.length) / sentences.length : 1, missing, unfaithful };
}

const clip = (s: string, n = 160) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function coverageChecks(source: string, clauses: Clause[]): AnswerCheck[] {
  const found = coverage(source, clauses);
  return [
    ...found.missing.map((s) => ({
      check: 'coverage' as const,
      clauseId: 'document',
      detail: `no extracted clause holds "${clip(s)}" (coverage ${(100 * found.ratio).toFixed(0)}%)`,
    })),
    ...found.unfaithful.map((u) => ({
      check: 'coverage' as const,
      clauseId: u.clauseId,
      detail: `the extraction reads "${clip(u.sentence)}", which the document does not say`,
    })),
  ];
}

/** The rules' risk of every clause against the classification's; an unclassified clause counts as medium. */
export function secondOpinion(clauses: Clause[], assessments: ClauseAssessment[]): AnswerCheck[] {
  return classifyByRules(clauses).flatMap((rules) => {
    const model = assessments.find((a) => a.clauseId === rules.clauseId)?.risk ?? 'medium';
    return model === rules.risk
      ? []
      : [
          {
            check: 'second-opinion' as const,
            clauseId: rules.clauseId,
            detail: `classified ${model}, the rules say ${rules.risk} (${rules.reason})`,
          },
        ];
  });
}

/** Every finding has a redline on its clause; a redline not in the policy's own wording must not
 *  be what the rules rate high. */
export function draftChecks(findings: PolicyFinding[], draft: ReviewDraft): AnswerCheck[] {
  const out: AnswerCheck[] = [];
  for (const f of findings) {
    if (!draft.redlines.some((r) => r.clauseId === f.clauseId))
      out.push({ check: 'draft', clauseId: f.clauseId, detail: `no redline for policy ${f.ruleId} (${f.risk})` });
  }
  for (const r of draft.redlines) {
    const policyWording = findings.some((f) => f.clauseId === r.clauseId && norm(f.redline) === norm(r.proposed));
    const rated = riskOfText(r.proposed);
    if (!policyWording && rated.risk === 'high')
      out.push({
        check: 'draft',
        clauseId: r.clauseId,
        detail: `the redline "${clip(r.proposed)}" is itself high risk (${rated.reason})`,
      });
  }
  return out;
}

/** Which checks run: all of them in the workflow; the report turns them off one at a time. */
export interface CheckSet {
  coverage: boolean;
  secondOpinion: boolean;
  draft: boolean;
}
export const ALL_CHECKS: CheckSet = { coverage: true, secondOpinion: true, draft: true };

export function checkAnswers(
  a: {
    source: string;
    clauses: Clause[];
    assessments: ClauseAssessment[];
    findings: PolicyFinding[];
    draft: ReviewDraft;
  },
  which: CheckSet = ALL_CHECKS,
): AnswerCheck[] {
  return [
    ...(which.coverage ? coverageChecks(a.source, a.clauses) : []),
    ...(which.secondOpinion ? secondOpinion(a.clauses, a.assessments) : []),
    ...(which.draft ? draftChecks(a.findings, a.draft) : []),
  ];
}
