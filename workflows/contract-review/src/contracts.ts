// The contract review's contracts: the event a document system sends when a contract comes in,
// and the input and output of each of its six agents. zod values live here (the gateway, the
// result bridge and the agents load them); the workflow code imports types only.
import { z } from 'zod';
import { ArtifactRef, defineAgentContract, eventEnvelope } from '@baton/contracts';

export const Party = z.object({ id: z.string().min(1).max(100), name: z.string().min(1).max(200) });
export type Party = z.infer<typeof Party>;

/** Data of `contract.submitted.v1`: a contract's text as the submitter's system extracted it. */
export const ContractSubmittedData = z.object({
  /** The submitter's own id for the contract (the filing is looked up by it too). */
  contractId: z.string().min(1).max(100),
  title: z.string().min(1).max(300),
  counterparty: Party,
  submittedBy: z.string().min(1).max(200),
  text: z.string().min(1).max(200_000),
});
export const ContractSubmitted = eventEnvelope('contract.submitted.v1', ContractSubmittedData);
export type ContractSubmitted = z.infer<typeof ContractSubmitted>;

export const Risk = z.enum(['low', 'medium', 'high']);
export type Risk = z.infer<typeof Risk>;

export const Clause = z.object({
  /** `c1`, `c2`, ... in document order. */
  id: z.string().regex(/^c[0-9]{1,4}$/),
  heading: z.string().max(200),
  text: z.string().min(1).max(8_000),
});
export type Clause = z.infer<typeof Clause>;

export const ClauseCategory = z.enum([
  'liability',
  'indemnity',
  'termination',
  'renewal',
  'payment',
  'confidentiality',
  'intellectual-property',
  'exclusivity',
  'data-protection',
  'governing-law',
  'amendment',
  'other',
]);
export type ClauseCategory = z.infer<typeof ClauseCategory>;

export const ClauseAssessment = z.object({
  clauseId: z.string().min(1),
  category: ClauseCategory,
  risk: Risk,
  reason: z.string().max(500),
});
export type ClauseAssessment = z.infer<typeof ClauseAssessment>;

/** A rule of the company's policy that a clause (or the document) breaks. */
export const PolicyFinding = z.object({
  ruleId: z.string().min(1),
  /** The clause the rule matched in, or `document` for text no extracted clause holds. */
  clauseId: z.string().min(1),
  risk: Risk,
  requirement: z.string().max(500),
  /** The words that matched, for the person deciding. */
  excerpt: z.string().max(300),
  /** The wording the policy asks for instead. */
  redline: z.string().max(1000),
});
export type PolicyFinding = z.infer<typeof PolicyFinding>;

export const Redline = z.object({
  clauseId: z.string().min(1),
  proposed: z.string().min(1).max(2_000),
  reason: z.string().max(500),
});
export type Redline = z.infer<typeof Redline>;

export const ReviewDraft = z.object({ summary: z.string().min(1).max(4_000), redlines: z.array(Redline).max(200) });
export type ReviewDraft = z.infer<typeof ReviewDraft>;

/** A clause's risk after the policy check: the higher of the classification and the policy. */
export const ClauseRisk = z.object({
  clauseId: z.string().min(1),
  heading: z.string(),
  risk: Risk,
  reasons: z.array(z.string()),
});
export type ClauseRisk = z.infer<typeof ClauseRisk>;

export const Filing = z.object({ filingId: z.string().min(1), reference: z.string().min(1) });
export type Filing = z.infer<typeof Filing>;

export const contractReviewAgents = {
  'contract-ingest': defineAgentContract('contract-ingest', {
    input: z.object({ contractId: z.string().min(1), title: z.string().min(1), text: z.string().min(1).max(200_000) }),
    output: z.object({ document: ArtifactRef, words: z.number().int().min(0), characters: z.number().int().min(1) }),
  }),
  'contract-extract': defineAgentContract('contract-extract', {
    input: z.object({ document: ArtifactRef }),
    output: z.object({ clauses: z.array(Clause).min(1).max(300) }),
  }),
  'contract-classify': defineAgentContract('contract-classify', {
    input: z.object({ clauses: z.array(Clause).min(1).max(300) }),
    output: z.object({ assessments: z.array(ClauseAssessment).max(300) }),
  }),
  // Reads the document itself, not only what extraction made of it: text the extraction dropped
  // is still checked.
  'contract-policy': defineAgentContract('contract-policy', {
    input: z.object({ document: ArtifactRef, clauses: z.array(Clause).min(1).max(300) }),
    output: z.object({ policyVersion: z.string().min(1), findings: z.array(PolicyFinding).max(1_000) }),
  }),
  'contract-draft': defineAgentContract('contract-draft', {
    input: z.object({
      title: z.string().min(1),
      counterparty: Party,
      clauses: z.array(Clause).min(1).max(300),
      risks: z.array(ClauseRisk),
      findings: z.array(PolicyFinding),
    }),
    output: ReviewDraft,
  }),
  'contract-filing': defineAgentContract('contract-filing', {
    input: z.object({
      contractId: z.string().min(1),
      title: z.string().min(1),
      counterparty: Party,
      document: ArtifactRef,
      overallRisk: Risk,
      draft: ReviewDraft,
      /** Who approved it at the gate; absent when no clause needed a person. */
      approvedBy: z.string().min(1).optional(),
    }),
    output: Filing,
  }),
};
export type ContractReviewAgents = typeof contractReviewAgents;

/** The company's policy, as shipped in `services/contract-policy/policy/company-policy.json`. */
export const CompanyPolicy = z.object({
  version: z.string().min(1),
  rules: z
    .array(
      z.object({
        id: z.string().regex(/^[A-Z][A-Z0-9-]{1,40}$/),
        title: z.string().min(1),
        /** A case-insensitive regular expression over the clause's (and the document's) text. */
        pattern: z
          .string()
          .min(1)
          .refine((p) => {
            try {
              new RegExp(p, 'i');
              return true;
            } catch {
              return false;
            }
          }, 'must be a valid regular expression'),
        risk: Risk,
        requirement: z.string().min(1).max(500),
        redline: z.string().min(1).max(1000),
      }),
    )
    .min(1),
});
export type CompanyPolicy = z.infer<typeof CompanyPolicy>;
