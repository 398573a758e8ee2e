// Policy check: the company's policy (a file shipped in the repository) applied as code to every
// clause, and to the document itself read from the object store, so text the extraction dropped
// or a model misread is still checked. These findings are the gate's input: nothing a model
// answers, and nothing the contract says, can remove one.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { defineAgent } from '@baton/agent';
import {
  CompanyPolicy,
  contractReviewAgents,
  type Clause,
  type PolicyFinding,
} from '@baton/workflow-contract-review/contracts';
import { ContractFaultConfig, injectFault } from '@baton/workflow-contract-review/agent-support';

export const DEFAULT_POLICY_FILE = fileURLToPath(new URL('../policy/company-policy.json', import.meta.url));

export const PolicyConfig = ContractFaultConfig.extend({
  /** The company's policy file (JSON, CompanyPolicy); default: the one in this service's folder. */
  BATON_CONTRACT_POLICY_FILE: z.string().min(1).default(DEFAULT_POLICY_FILE),
});

/** Reads and checks the policy file; a bad file stops the agent at start, naming what is wrong. */
export function loadPolicy(path: string): CompanyPolicy {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw Object.assign(new Error(`BATON_CONTRACT_POLICY_FILE: cannot read ${path}: ${(err as Error).message}`), {
      code: 'INVALID_CONFIG',
    });
  }
  const parsed = CompanyPolicy.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw Object.assign(new Error(`BATON_CONTRACT_POLICY_FILE: ${path} is not a valid policy: ${issues}`), {
      code: 'INVALID_CONFIG',
    });
  }
  return parsed.data;
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Every rule against every clause, then against the whole document for what no clause holds. */
export function checkPolicy(policy: CompanyPolicy, clauses: Clause[], document: string): PolicyFinding[] {
  const findings: PolicyFinding[] = [];
  const clauseText = clauses.map((c) => squash(c.text));
  for (const rule of policy.rules) {
    const finding = (clauseId: string, excerpt: string): PolicyFinding => ({
      ...{ ruleId: rule.id, clauseId, risk: rule.risk },
      ...{ requirement: rule.requirement, excerpt: excerpt.slice(0, 300), redline: rule.redline },
    });
    const inClauses: string[] = [];
    for (const [i, c] of clauses.entries()) {
      const match = clauseText[i]!.match(new RegExp(rule.pattern, 'i'));
      if (match) {
        findings.push(finding(c.id, match[0]));
        inClauses.push(match[0].toLowerCase());
      }
    }
    // The document itself: a match no clause's text contains (and that is not merely a clause's
    // match running on past its end) is reported against the document.
    for (const match of squash(document).matchAll(new RegExp(rule.pattern, 'gi'))) {
      const words = match[0].toLowerCase();
      const held = clauseText.some((t) => t.toLowerCase().includes(words)) || inClauses.some((m) => words.includes(m));
      if (!held) findings.push(finding('document', match[0]));
    }
  }
  return findings;
}

export function policyAgent(
  config: z.output<typeof PolicyConfig>,
  policy: CompanyPolicy = loadPolicy(config.BATON_CONTRACT_POLICY_FILE),
) {
  return defineAgent(contractReviewAgents['contract-policy'], {
    async handle({ document, clauses }, ctx) {
      injectFault('contract-policy', config.BATON_CONTRACT_FAULT_RATE);
      const text = await ctx.artifacts.getText(document);
      const findings = checkPolicy(policy, clauses, text);
      ctx.span.setAttribute('baton.contract.policy_findings', findings.length);
      return { policyVersion: policy.version, findings };
    },
  });
}
