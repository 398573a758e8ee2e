// The extraction's rules: what serves when no model is configured.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RISKY_CONTRACT } from '@baton/workflow-contract-review/samples';
import { extractByRules } from '../src/extract.js';

describe('contract extraction rules', () => {
  it('splits numbered clauses in order, with the text before them as the preamble', () => {
    const clauses = extractByRules(RISKY_CONTRACT);
    assert.deepEqual(
      clauses.map((c) => `${c.id} ${c.heading}`),
      [
        'c1 Preamble',
        'c2 Term',
        'c3 Payment',
        'c4 Liability',
        'c5 Indemnity',
        'c6 Intellectual property',
        'c7 Governing law',
      ],
    );
    assert.match(clauses[3]!.text, /unlimited/);
  });

  it('splits paragraphs when nothing is numbered', () => {
    assert.deepEqual(
      extractByRules('First part.\n\nSecond part.').map((c) => c.text),
      ['First part.', 'Second part.'],
    );
  });
});
