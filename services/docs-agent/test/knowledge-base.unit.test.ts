// The shipped knowledge base, searched with MiniSearch as the docs agent does: tickets written as
// customers write them find the article whose policy applies; a ticket the documentation does not
// cover finds no answer (it goes to a person); a long article's whole text only when asked; a
// malformed article stops the agent at start.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { supportAgents } from '@baton/workflow-support/contracts';
import { KnowledgeBase, KnowledgeBaseError, loadArticles, parseArticle } from '../src/knowledge-base.js';

const kb = new KnowledgeBase(loadArticles());

describe('support knowledge base', () => {
  it('ships a few dozen articles, each with a title and a resolution policy', () => {
    assert.ok(kb.size >= 24, `${kb.size} articles`);
  });

  const cases: Array<[string, string, 'none' | 'refund' | 'replacement']> = [
    ['My blender arrived broken\nThe glass jug was cracked when I opened the box.', 'damaged-item', 'replacement'],
    ['Package late\nMy order came 6 days after the promised date.', 'late-delivery', 'refund'],
    ['Forgot my password\nI cannot sign in to my account', 'password-reset', 'none'],
    ['Wrong colour\nI ordered a blue shirt and got a red one', 'wrong-item', 'replacement'],
    ['Charged twice\nMy card was billed twice for the same order', 'double-charge', 'refund'],
    ['Parcel never arrived\nTracking has not moved for two weeks, I think it is lost', 'never-arrived', 'refund'],
  ];
  for (const [ticket, articleId, resolution] of cases) {
    it(`answers "${ticket.split('\n')[0]}" with ${articleId} (${resolution})`, () => {
      const found = supportAgents['docs-search'].output.parse(kb.search(ticket));
      assert.equal(found.answer?.articleId, articleId, JSON.stringify(found.hits));
      assert.equal(found.answer?.resolution, resolution);
    });
  }

  it('has no answer for a ticket the documentation does not cover', () => {
    const found = kb.search('Question about your pension plan\nDo you offer investment advice for retirement?');
    assert.equal(found.answer, undefined);
  });

  it("gives a long article's first 4000 characters as its text, and all of it only when asked (full)", () => {
    const body = 'Clause: the courier contract binds the carrier to its terms. '.repeat(2_000);
    const long = new KnowledgeBase([
      ...loadArticles(),
      parseArticle('carrier-terms', `---\ntitle: Carrier terms\ntags: carrier, courier contract\n---\n${body}`),
    ]);
    const short = supportAgents['docs-search'].output.parse(long.search('carrier terms courier contract'));
    assert.equal(short.answer?.articleId, 'carrier-terms');
    assert.equal(short.answer?.text.length, 4_000);
    assert.equal(short.answer?.fullText, undefined);
    const full = supportAgents['docs-search'].output.parse(long.search('carrier terms courier contract', true));
    assert.equal(full.answer?.fullText, body.trim());
  });

  it('refuses an article without front matter or with an unknown resolution', () => {
    assert.throws(() => parseArticle('x', 'no front matter'), KnowledgeBaseError);
    assert.throws(
      () => parseArticle('x', '---\ntitle: X\nresolution: store credit\n---\nbody'),
      /resolution must be none, refund or replacement/,
    );
  });
});
