// The checks between steps on small hand-written cases: what the coverage check accepts as the
// same sentence (numbering, spacing, curly quotes) and what it does not (a word changed), the
// second opinion on an unclassified clause, and the draft check on the policy's own wording.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coverage, draftChecks, secondOpinion } from '../src/checks.js';
import type { Clause, PolicyFinding } from '../src/contracts.js';

const source =
  'SERVICES AGREEMENT\nbetween Northwind Ltd and the Supplier.\n\nSection 1. Term. This agreement lasts 12 months.\n2) Payment. Invoices are payable within 30 days; late invoices carry no interest.\n';
const clause = (id: string, text: string): Clause => ({ id, heading: '', text });

describe('contract review checks', () => {
  it('coverage: numbering, spacing and curly quotes are not differences; a dropped sentence and a changed word are', () => {
    const faithful = [
      clause('c1', 'SERVICES AGREEMENT between  Northwind Ltd and the Supplier.'),
      clause('c2', 'Term. This agreement lasts 12 months.'),
      clause('c3', 'Payment. Invoices are payable within 30 days;\nlate invoices carry no interest.'),
    ];
    assert.deepEqual(coverage(source, faithful), { ratio: 1, missing: [], unfaithful: [] });
    const curly = coverage('The Supplier\u2019s fee is fixed.', [clause('c1', "The Supplier's fee is fixed.")]);
    assert.deepEqual([curly.missing, curly.unfaithful], [[], []]);

    const dropped = coverage(source, faithful.slice(0, 2));
    assert.deepEqual(dropped.missing, [
      'payment.',
      'invoices are payable within 30 days;',
      'late invoices carry no interest.',
    ]);
    assert.equal(dropped.ratio, 4 / 7);
    const misread = coverage(source, [
      faithful[0]!,
      faithful[1]!,
      clause('c3', 'Payment. Invoices are payable within 90 days; late invoices carry no interest.'),
    ]);
    assert.deepEqual(misread.unfaithful, [{ clauseId: 'c3', sentence: 'invoices are payable within 90 days;' }]);
  });

  it('second opinion: an unclassified clause counts as medium, so it disagrees with the rules reading it low', () => {
    assert.deepEqual(
      secondOpinion([clause('c1', 'This agreement lasts 12 months.')], []).map((c) => c.detail),
      ['classified medium, the rules say low (standard wording)'],
    );
  });

  it("draft check: the policy's own wording passes even where the rules would rate it high; a missing redline does not", () => {
    const finding: PolicyFinding = {
      ruleId: 'IP-RETAINED',
      clauseId: 'c4',
      risk: 'high',
      requirement: 'keep IP',
      excerpt: 'assigns all',
      redline: 'Each party keeps its intellectual property; the counterparty receives a non-exclusive licence.',
    };
    assert.deepEqual(
      draftChecks([finding], {
        summary: 's',
        redlines: [{ clauseId: 'c4', proposed: finding.redline, reason: 'policy' }],
      }),
      [],
    );
    assert.deepEqual(
      draftChecks([finding], {
        summary: 's',
        redlines: [{ clauseId: 'c4', proposed: 'The counterparty gets an exclusive licence.', reason: 'shorter' }],
      }).map((c) => c.detail),
      [
        'the redline "The counterparty gets an exclusive licence." is itself high risk (the company may not work with others)',
      ],
    );
    assert.deepEqual(
      draftChecks([finding], { summary: 's', redlines: [] }).map((c) => c.detail),
      ['no redline for policy IP-RETAINED (high)'],
    );
  });
});
