// The labelled corpus of the contract review: synthetic contracts written for the project
// (corpus/contracts.json, made by test/generate-corpus.ts) with their ground truth: every clause
// with its risk and the policy rules it breaks, the parties, the amounts. The wrong-answer report
// judges what a review would file against it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { Party, Risk } from './contracts.js';

export const CorpusClause = z.object({
  id: z.string().regex(/^c[0-9]{1,4}$/),
  heading: z.string(),
  text: z.string().min(1),
  risk: Risk,
  /** The company-policy rule ids the clause breaks (each wants its redline). */
  rules: z.array(z.string()),
});
export type CorpusClause = z.infer<typeof CorpusClause>;

export const CorpusContract = z.object({
  id: z.string().min(1),
  title: z.string().min(1),
  counterparty: Party,
  text: z.string().min(1),
  truth: z.object({
    clauses: z.array(CorpusClause).min(1),
    /** The parties' names as the contract gives them. */
    parties: z.array(z.string().min(1)).min(2),
    /** Every amount of money and every period in days, months or years, in document order. */
    amounts: z.array(z.string().min(1)),
    overallRisk: Risk,
  }),
});
export type CorpusContract = z.infer<typeof CorpusContract>;

export const Corpus = z.object({ version: z.string().min(1), contracts: z.array(CorpusContract).min(1) });
export type Corpus = z.infer<typeof Corpus>;

export const CORPUS_FILE = fileURLToPath(new URL('../corpus/contracts.json', import.meta.url));

/** The amounts a text names, as the ground truth lists them. */
export function amountsOf(text: string): string[] {
  return [...text.matchAll(/£\d[\d,]*|\b\d+ (?:days|months|years)\b|\b\d+-month\b/g)].map((m) => m[0]);
}

export function loadCorpus(path: string = CORPUS_FILE): Corpus {
  return Corpus.parse(JSON.parse(readFileSync(path, 'utf8')));
}
