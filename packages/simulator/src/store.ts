// A simulator's state: records in a JetStream KV bucket, one key per record, written with
// compare-and-set so concurrent requests cannot both take the same resource.
import { createHash } from 'node:crypto';
import { Kvm, type KV } from '@nats-io/kv';
import type { Bus } from '@baton/bus';

export class RecordStore {
  private constructor(private readonly kv: KV) {}

  static async open(bus: Bus, bucket: string): Promise<RecordStore> {
    return new RecordStore(await new Kvm(bus.js).create(bucket, { history: 1 }));
  }

  async get<T>(key: string): Promise<T | undefined> {
    const entry = await this.kv.get(key);
    return entry && entry.operation === 'PUT' ? entry.json<T>() : undefined;
  }

  /** Stores value under key only if no live value is there; returns false if one was. */
  async create(key: string, value: unknown): Promise<boolean> {
    try {
      await this.kv.create(key, JSON.stringify(value));
      return true;
    } catch (err) {
      if (/wrong last sequence|key exists/i.test(String((err as Error).message))) return false;
      throw err;
    }
  }

  async put(key: string, value: unknown): Promise<void> {
    await this.kv.put(key, JSON.stringify(value));
  }

  async delete(key: string): Promise<void> {
    await this.kv.delete(key);
  }

  /** Every live record whose key starts with `prefix.`. */
  async list<T>(prefix: string): Promise<T[]> {
    const keys: string[] = [];
    for await (const key of await this.kv.keys(`${prefix}.>`)) keys.push(key);
    const values = await Promise.all(keys.map((k) => this.get<T>(k)));
    return values.filter((v): v is Awaited<T> => v !== undefined) as T[];
  }

  static digest(text: string): string {
    return createHash('sha256').update(text).digest('hex').slice(0, 32);
  }
}
