// A simulator's records, in its own durable store on local disk: the ground truth the tests
// count, kept apart from the NATS server the chaos suite crashes and restarts.
//
// LMDB (lmdb on npm, native binary shipped as an npm package): a copy-on-write B-tree that is
// consistent after kill -9 of the process or the machine, with fsync on every commit. Each
// simulator process owns one store directory. Every write is its own transaction and resolves
// only once committed to disk, so an answer sent after it never describes a record a crash can
// lose. `create` is compare-and-set inside the transaction: of two concurrent requests exactly
// one stores the record.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, type RootDatabase } from 'lmdb';

export class RecordStore {
  private constructor(private readonly db: RootDatabase<unknown, string>) {}

  /** Opens (or creates) the store in directory `path`. */
  static open(path: string): RecordStore {
    mkdirSync(path, { recursive: true });
    // JSON values: the records stay readable with any LMDB tool, and need no native codec.
    return new RecordStore(open<unknown, string>({ path, encoding: 'json', compression: false }));
  }

  async get<T>(key: string): Promise<T | undefined> {
    return this.db.get(key) as T | undefined;
  }

  /** Stores value under key only if no value is there; returns false if one was. */
  async create(key: string, value: unknown): Promise<boolean> {
    return this.db.transaction(() => {
      if (this.db.get(key) !== undefined) return false;
      void this.db.put(key, value);
      return true;
    });
  }

  /**
   * Runs `fn` as one transaction: its reads and writes see no other request's in between (a
   * check against one record and a write of another, e.g. a fencing token and the record it
   * guards). `fn` is synchronous; its writes commit together.
   */
  async atomically<T>(
    fn: (tx: { get<V>(key: string): V | undefined; put(key: string, value: unknown): void }) => T,
  ): Promise<T> {
    return this.db.transaction(() =>
      fn({
        get: <V>(key: string) => this.db.get(key) as V | undefined,
        put: (key, value) => void this.db.put(key, value),
      }),
    );
  }

  async put(key: string, value: unknown): Promise<void> {
    await this.db.put(key, value);
  }

  async delete(key: string): Promise<void> {
    await this.db.remove(key);
  }

  /** Every record whose key starts with `prefix.`, in key order. */
  async list<T>(prefix: string): Promise<T[]> {
    // '/' is the character after '.', so the range is exactly the keys under `prefix.`.
    return Array.from(this.db.getRange({ start: `${prefix}.`, end: `${prefix}/` }), (e) => e.value as T);
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  static digest(text: string): string {
    return createHash('sha256').update(text).digest('hex').slice(0, 32);
  }
}
