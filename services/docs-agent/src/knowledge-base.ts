// The support knowledge base: short markdown articles shipped in ./kb, each with a small front
// matter (title, the resolution its policy calls for, tags), indexed for full-text search with
// MiniSearch (BM25 ranking, prefix and fuzzy matching); the library does all of the scoring.
// An article answers a ticket only when its score clears a threshold and it matches at least
// two of the ticket's words, so a ticket about something the documentation does not cover goes
// to a person instead of getting the nearest wrong answer.
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import MiniSearch from 'minisearch';
import type { DocsAnswer } from '@baton/workflow-support/contracts';

export const KB_DIR = fileURLToPath(new URL('../kb/', import.meta.url));

export interface Article {
  id: string;
  title: string;
  resolution: 'none' | 'refund' | 'replacement';
  tags: string;
  body: string;
}

export class KnowledgeBaseError extends Error {
  readonly code = 'INVALID_KNOWLEDGE_BASE';
}

/** Words that carry no meaning for the search; dropped before indexing and querying. */
const STOP_WORDS = new Set(
  'a an and are as at be but by for from had has have hello hi i in is it its me my of on or our please so that the this to was we were with you your yours thanks thank can could would will just am'.split(
    ' ',
  ),
);

export function parseArticle(id: string, text: string): Article {
  const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text.replace(/\r\n/g, '\n'));
  if (!match) throw new KnowledgeBaseError(`${id}.md: must start with a front matter block between --- lines`);
  const meta = Object.fromEntries(
    match[1]!
      .split('\n')
      .map((line) => /^(\w+):\s*(.*)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1]!, m[2]!.trim()]),
  );
  const resolution = meta.resolution ?? 'none';
  if (!meta.title) throw new KnowledgeBaseError(`${id}.md: front matter needs a title`);
  if (resolution !== 'none' && resolution !== 'refund' && resolution !== 'replacement')
    throw new KnowledgeBaseError(`${id}.md: resolution must be none, refund or replacement, not "${resolution}"`);
  return { id, title: meta.title, resolution, tags: meta.tags ?? '', body: match[2]!.trim() };
}

export function loadArticles(dir: string = KB_DIR): Article[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => parseArticle(basename(f, '.md'), readFileSync(join(dir, f), 'utf8')));
}

export interface SearchSettings {
  /** The best article's MiniSearch score must reach this to answer. */
  minScore: number;
  /** ... and it must match at least this many distinct words of the ticket. */
  minTerms: number;
}

export const DEFAULT_SEARCH: SearchSettings = { minScore: 25, minTerms: 2 };

export class KnowledgeBase {
  private readonly index: MiniSearch<Article>;
  private readonly byId: Map<string, Article>;

  constructor(
    articles: Article[],
    private readonly settings: SearchSettings = DEFAULT_SEARCH,
  ) {
    this.byId = new Map(articles.map((a) => [a.id, a]));
    this.index = new MiniSearch<Article>({
      fields: ['title', 'tags', 'body'],
      storeFields: ['title'],
      processTerm: (term) => {
        const t = term.toLowerCase();
        return t.length < 2 || STOP_WORDS.has(t) ? null : t;
      },
      searchOptions: {
        boost: { title: 2, tags: 2 },
        prefix: (term) => term.length >= 4,
        fuzzy: (term) => (term.length >= 6 ? 0.2 : false),
        combineWith: 'OR',
      },
    });
    this.index.addAll(articles);
  }

  get size(): number {
    return this.byId.size;
  }

  /** `full`: the answer carries the article's whole text too (its `text` is the first 4000 characters). */
  search(query: string, full = false): DocsAnswer {
    const results = this.index.search(query);
    const hits = results.slice(0, 5).map((r) => ({
      articleId: String(r.id),
      title: this.byId.get(String(r.id))!.title,
      score: Math.round(r.score * 100) / 100,
    }));
    const best = results[0];
    const article = best ? this.byId.get(String(best.id)) : undefined;
    if (
      !best ||
      !article ||
      best.score < this.settings.minScore ||
      new Set(best.queryTerms).size < this.settings.minTerms
    )
      return { hits };
    return {
      hits,
      answer: {
        articleId: article.id,
        title: article.title,
        text: article.body.slice(0, 4000),
        resolution: article.resolution,
        ...(full ? { fullText: article.body } : {}),
      },
    };
  }
}
