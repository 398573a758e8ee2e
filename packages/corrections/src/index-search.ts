// Retrieval of corrections for a new input: a full-text index (MiniSearch) over the inputs of the
// corrections in force, kept current by watching the KV bucket, so a correction made a moment ago
// (or revoked) counts for the very next request. A correction applies to the same agent, and to
// the same customer unless a person made it for everyone; it matches when at least half of its
// input's meaningful words (fuzzy) are in the new input.
import MiniSearch from 'minisearch';
import type { KV } from '@nats-io/kv';
import { Correction } from './correction.js';
import type { CorrectionStore } from './store.js';

// Words every request has: they say nothing about what was meant.
const STOP = new Set(
  'a an and at for i in is it me my of on or our please the to us we with table book booking reservation reserve tonight today tomorrow next this monday tuesday wednesday thursday friday saturday sunday'.split(
    ' ',
  ),
);
const terms = (text: string) => (text.toLowerCase().match(/\p{L}[\p{L}\p{N}']*/gu) ?? []).filter((t) => !STOP.has(t));

export interface CorrectionQuery {
  agent: string;
  subject?: string;
  text: string;
}

export class CorrectionIndex {
  private readonly search = new MiniSearch<Correction>({
    fields: ['input'],
    storeFields: ['id'],
    tokenize: (text) => terms(text),
    searchOptions: { fuzzy: 0.2, prefix: true, combineWith: 'OR' },
  });
  private readonly inForce = new Map<string, Correction>();
  private stopWatch: (() => void) | undefined;
  private broken: Error | undefined;

  /** Follows the bucket: every correction now in force, then every change as it happens. */
  static async follow(store: CorrectionStore): Promise<CorrectionIndex> {
    const index = new CorrectionIndex();
    await index.watch(store.kv);
    return index;
  }

  private async watch(kv: KV): Promise<void> {
    const watcher = await kv.watch();
    this.stopWatch = () => watcher.stop();
    let ready!: () => void;
    const initial = new Promise<void>((resolve) => (ready = resolve));
    // The last of the values already stored comes with delta 0 (nothing pending).
    void (async () => {
      for await (const entry of watcher) {
        if (entry.operation === 'PUT' && entry.length > 0) {
          const parsed = Correction.safeParse(entry.json());
          if (parsed.success) this.put(parsed.data);
        } else this.remove(entry.key);
        if (entry.delta === 0) ready();
      }
    })().catch((err: unknown) => {
      // A broken watch would serve stale corrections (a revoked one still used): refuse instead.
      this.broken = err instanceof Error ? err : new Error(String(err));
      ready();
    });
    // An empty bucket sends no entries at all.
    const empty = (await kv.status()).values === 0;
    if (empty) ready();
    await initial;
  }

  put(c: Correction): void {
    this.remove(c.id);
    if (c.revoked) return;
    this.inForce.set(c.id, c);
    this.search.add(c);
  }

  remove(id: string): void {
    if (!this.inForce.has(id)) return;
    this.search.discard(id);
    this.inForce.delete(id);
  }

  /** The corrections that apply to this input, best match first. */
  find(query: CorrectionQuery, limit = 3): Correction[] {
    if (this.broken) throw new Error(`the corrections index stopped following the bucket: ${this.broken.message}`);
    if (terms(query.text).length === 0) return [];
    return this.search
      .search(query.text)
      .map((hit) => ({ hit, c: this.inForce.get(String(hit.id)) }))
      .filter(
        ({ c }) =>
          c !== undefined &&
          c.agent === query.agent &&
          (c.scope === 'everyone' || (query.subject !== undefined && c.subject === query.subject)),
      )
      .filter(({ hit, c }) => hit.terms.length * 2 >= new Set(terms(c!.input)).size)
      .slice(0, limit)
      .map(({ c }) => c!);
  }

  get size(): number {
    return this.inForce.size;
  }

  stop(): void {
    this.stopWatch?.();
  }
}
