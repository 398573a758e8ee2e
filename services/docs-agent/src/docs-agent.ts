// Documentation search: the ticket's words against the knowledge base (./kb), indexed once at
// start. The answer carries the article's text and the resolution its policy calls for.
import { z } from 'zod';
import { defineAgent } from '@baton/agent';
import { supportAgents } from '@baton/workflow-support/contracts';
import { DEFAULT_SEARCH, KB_DIR, KnowledgeBase, loadArticles } from './knowledge-base.js';

export const DocsAgentConfig = z.object({
  /** The folder of markdown articles (default: the knowledge base shipped beside this agent). */
  BATON_DOCS_DIR: z.string().min(1).default(KB_DIR),
  BATON_DOCS_MIN_SCORE: z.coerce.number().positive().default(DEFAULT_SEARCH.minScore),
  BATON_DOCS_MIN_TERMS: z.coerce.number().int().min(1).default(DEFAULT_SEARCH.minTerms),
});

export function docsAgent(config: z.output<typeof DocsAgentConfig>) {
  const kb = new KnowledgeBase(loadArticles(config.BATON_DOCS_DIR), {
    minScore: config.BATON_DOCS_MIN_SCORE,
    minTerms: config.BATON_DOCS_MIN_TERMS,
  });
  return defineAgent(supportAgents['docs-search'], {
    async handle({ query, full }, ctx) {
      const answer = kb.search(query, full === true);
      ctx.span.setAttribute('baton.docs.answered', answer.answer !== undefined);
      return answer;
    },
  });
}
