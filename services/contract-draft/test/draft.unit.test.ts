// The draft's rules: what serves when no model is configured.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { draftByRules } from '../src/draft.js';

describe('contract draft rules', () => {
  it('drafts one redline per clause and rule the policy named', () => {
    const draft = draftByRules(
      'Supply',
      'Contoso',
      [{ clauseId: 'c4', heading: 'Liability', risk: 'high', reasons: [] }],
      [
        {
          ruleId: 'LIABILITY-CAP',
          clauseId: 'c4',
          risk: 'high',
          requirement: 'capped',
          excerpt: 'unlimited',
          redline: 'Liability is capped.',
        },
        {
          ruleId: 'LIABILITY-CAP',
          clauseId: 'c4',
          risk: 'high',
          requirement: 'capped',
          excerpt: 'unlimited',
          redline: 'Liability is capped.',
        },
      ],
    );
    assert.deepEqual(draft.redlines, [
      { clauseId: 'c4', proposed: 'Liability is capped.', reason: 'LIABILITY-CAP: capped' },
    ]);
    assert.match(draft.summary, /1 high/);
  });
});
