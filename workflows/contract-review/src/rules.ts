// The contract review's rules on the route, pure code the workflow runs: a clause's risk is the
// higher of what classification said and what the company's policy says, and any high-risk
// clause (or policy finding on text no clause holds) reaches a person. No model output and no
// text in the contract can lower a policy finding.
import type { Clause, ClauseAssessment, ClauseRisk, PolicyFinding, Risk } from './contracts.js';

const ORDER: Record<Risk, number> = { low: 0, medium: 1, high: 2 };
export const higher = (a: Risk, b: Risk): Risk => (ORDER[a] >= ORDER[b] ? a : b);

/** Every clause with its final risk and why; a finding on text outside the clauses is its own row. */
export function clauseRisks(
  clauses: Clause[],
  assessments: ClauseAssessment[],
  findings: PolicyFinding[],
): ClauseRisk[] {
  const rows: ClauseRisk[] = clauses.map((c) => {
    const assessed = assessments.find((a) => a.clauseId === c.id);
    // A clause classification skipped counts as medium: unknown is not low.
    let risk: Risk = assessed?.risk ?? 'medium';
    const reasons = [
      assessed ? `classified ${assessed.risk} (${assessed.category}): ${assessed.reason}` : 'not classified',
    ];
    for (const f of findings.filter((f) => f.clauseId === c.id)) {
      risk = higher(risk, f.risk);
      reasons.push(`policy ${f.ruleId} (${f.risk}): ${f.requirement}`);
    }
    return { clauseId: c.id, heading: c.heading, risk, reasons };
  });
  const outside = findings.filter((f) => !clauses.some((c) => c.id === f.clauseId));
  if (outside.length > 0) {
    rows.push({
      clauseId: 'document',
      heading: 'Text no extracted clause holds',
      risk: outside.reduce<Risk>((r, f) => higher(r, f.risk), 'low'),
      reasons: outside.map((f) => `policy ${f.ruleId} (${f.risk}): ${f.requirement} — "${f.excerpt}"`),
    });
  }
  return rows;
}

export function overallRisk(risks: ClauseRisk[]): Risk {
  return risks.reduce<Risk>((r, c) => higher(r, c.risk), 'low');
}

/** The gate rule: any high-risk clause means a person approves before the contract is filed. */
export function needsApproval(risks: ClauseRisk[]): boolean {
  return risks.some((r) => r.risk === 'high');
}
