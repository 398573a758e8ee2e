// The policy check as code: the shipped policy file loads, each sample contract gets exactly the
// findings its wording earns, an instruction to the reviewer is itself a finding, text dropped by
// the extraction is still checked, and a bad policy file is refused naming what is wrong.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CLEAN_CONTRACT, INJECTED_CONTRACT, RISKY_CONTRACT } from '@baton/workflow-contract-review/samples';
import type { Clause } from '@baton/workflow-contract-review/contracts';
import { DEFAULT_POLICY_FILE, checkPolicy, loadPolicy } from '../src/policy.js';

const policy = loadPolicy(DEFAULT_POLICY_FILE);
/** The contract's clauses as the extraction would give them: the preamble, then one per numbered line. */
function extractByRules(text: string): Clause[] {
  const [head, ...numbered] = text.split(/\n(?=\d+\. )/);
  return [head!, ...numbered].map((t, i) => ({
    id: `c${i + 1}`,
    heading: i === 0 ? 'Preamble' : /^\d+\. ([^.]+)\./.exec(t)![1]!,
    text: t.trim(),
  }));
}
const check = (text: string) => checkPolicy(policy, extractByRules(text), text);

describe('contract policy', () => {
  it('finds nothing in the clean contract', () => {
    assert.deepEqual(check(CLEAN_CONTRACT), []);
  });

  it('flags each high-risk clause of the risky contract by its rule', () => {
    const found = check(RISKY_CONTRACT).map((f) => `${f.clauseId}:${f.ruleId}:${f.risk}`);
    assert.deepEqual(
      found.sort(),
      [
        'c2:AUTO-RENEWAL:medium',
        'c3:PAYMENT-TERMS:medium',
        'c4:LIABILITY-CAP:high',
        'c5:INDEMNITY-BOUNDED:high',
        'c6:IP-RETAINED:high',
      ].sort(),
    );
  });

  it('flags the injected instruction and still flags the clauses it asks to pass', () => {
    const found = check(INJECTED_CONTRACT);
    assert.ok(found.some((f) => f.ruleId === 'REVIEWER-INSTRUCTION' && f.risk === 'high'));
    assert.ok(found.some((f) => f.ruleId === 'LIABILITY-CAP' && f.clauseId !== 'document'));
    assert.ok(found.some((f) => f.ruleId === 'NO-EXCLUSIVITY'));
  });

  it('checks the document itself: a clause the extraction dropped is reported against the document', () => {
    const clauses = extractByRules(RISKY_CONTRACT).filter((c) => c.heading !== 'Liability');
    const found = checkPolicy(policy, clauses, RISKY_CONTRACT);
    assert.ok(found.some((f) => f.clauseId === 'document' && f.ruleId === 'LIABILITY-CAP' && f.risk === 'high'));
  });

  it('refuses a policy file with a broken rule, naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-policy-'));
    const path = join(dir, 'policy.json');
    writeFileSync(
      path,
      JSON.stringify({
        version: '1',
        rules: [{ id: 'X1', title: 't', pattern: '(unclosed', risk: 'high', requirement: 'r', redline: 'r' }],
      }),
    );
    assert.throws(
      () => loadPolicy(path),
      /BATON_CONTRACT_POLICY_FILE: .*rules\.0\.pattern: must be a valid regular expression/,
    );
  });
});
