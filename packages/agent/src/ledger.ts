// The idempotency ledger: effects an agent performed, keyed by agent + workflowId/stepId/effect
// in a JetStream KV bucket. An effect is claimed (compare-and-set) before its external call, so
// two attempts of one step never run it side by side, and a redelivered or retried task finds
// the result and skips the call.
//
// One key moves through these records, each write a compare-and-set on the previous revision:
//
//   (none) --create--> claimed --update--> done           the normal path (only over our own
//                                                         claim: a taken-over claim is never
//                                                         overwritten, EFFECT_CLAIM_LOST)
//                      claimed --delete--> (none)         the call definitely did not happen
//                      claimed --update--> unknown        it may have happened; nobody knows yet
//
// A claim names its holder (process and attempt) and is kept alive by the holder re-writing it
// every claimTtlMs/3 while the call runs. Another attempt that finds a claim:
// - waits while the claim keeps changing (its holder is alive and working), and replays the
//   result when it lands; past its wait it fails with the retryable EFFECT_IN_PROGRESS;
// - presumes the holder dead when the claim did not change for claimTtlMs of the observer's own
//   time. Liveness is judged by revisions seen, never by comparing timestamps written by another
//   machine's clock.
//
// The rule for a claim whose holder died mid-call (or gave up not knowing, state `unknown`):
// the effect's outcome is unknown, and it is never guessed.
// 1. With `reconcile` (the agent asks the external system by the client's reference): found ->
//    the found result is validated and recorded as done; not found -> the effect did not happen
//    and this attempt runs it; the lookup itself fails -> the record stays `unknown` and the
//    retryable EFFECT_RECONCILE_FAILED lets a later attempt ask again. "Not found" must be final:
//    a system may commit a request after its answer or after the caller gave up, so a bare lookup
//    cannot tell "in flight" from "never". A reconcile therefore cancels what is pending under
//    the reference first and reads what is committed in the same answer (late-commits.ts): no
//    second attempt is sent while the first one's outcome is unknown.
// 2. With `retrySafe: true` (the external system applies one request per idempotency key, so a
//    repeat is harmless): this attempt runs the call again with the same key.
// 3. Otherwise: the non-retryable EFFECT_OUTCOME_UNKNOWN, carrying the key, the dead holder and
//    when it claimed, so the workflow hands the case to a person, who checks the external system.
// The same rule applies when a live holder's call fails without a definite answer (a timeout, a
// lost response): `classify` says which errors prove the call was not applied (a refusal, an
// open breaker); those release the claim, everything else is an unknown outcome.
//
// Outputs are checked by `validate` before they are recorded: a result that breaks its contract
// never enters the ledger, where every retry would replay it. The call did happen though (the
// system answered), so the record becomes `unknown` and the next attempt reconciles or escalates.
//
// Limits: a claim is a lease. A holder cut off from NATS for longer than claimTtlMs can lose its
// claim while its call is still out; the taker then reconciles (or escalates) as above, and the
// cut-off holder's answer, when it comes, is not recorded over the taker's record: its call fails
// with the retryable EFFECT_CLAIM_LOST and the next attempt reads what the taker settled. Pick
// claimTtlMs above the external call's timeout, so that a request a dead holder sent has been
// answered or dropped before a reconcile can see "not found".
import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { isRevisionConflict, type KV } from '@baton/bus';
import { AgentError } from './errors.js';

/** A recorded effect. Records written before claims existed have no `state` and are done. */
export interface LedgerRecord {
  state?: 'done';
  idempotencyKey: string;
  agent: string;
  recordedAt: string;
  result: unknown;
  /** Who performed (or reconciled) the effect. */
  holder?: string;
  /** True when the result came from asking the external system after an unknown outcome. */
  reconciled?: boolean;
}

export interface LedgerClaim {
  state: 'claimed';
  idempotencyKey: string;
  agent: string;
  holder: string;
  claimedAt: string;
  /** Bumped by every keep-alive write, so each one is a new revision. */
  beat: number;
}

export interface LedgerUnknown {
  state: 'unknown';
  idempotencyKey: string;
  agent: string;
  /** The holder whose call has no known outcome. */
  holder: string;
  claimedAt: string;
  since: string;
  reason: string;
}

export type LedgerEntry = LedgerRecord | LedgerClaim | LedgerUnknown;

/** What a failed call proves about its effect. */
export type CallOutcome = 'not-applied' | 'unknown';

export interface EffectOptions<T> {
  /**
   * Asks the external system whether the effect with this idempotency key happened (e.g. GET
   * /charges?reference=key): its result if it did, undefined if it did not. Throw if it cannot
   * tell (the system is down).
   */
  reconcile?: (idempotencyKey: string) => Promise<T | undefined>;
  /** The external system deduplicates on the idempotency key: running fn again is harmless. */
  retrySafe?: boolean;
  /** Checks (and may normalise) a result before it is recorded or replayed; throw to refuse it. */
  validate?: (result: T) => T;
  /** Which errors from fn prove the call was not applied; default: see defaultClassify. */
  classify?: (err: unknown) => CallOutcome;
  /** A claim unchanged for this long belongs to a dead holder (default 10 s). */
  claimTtlMs?: number;
  /** How long to wait for a live holder's result before EFFECT_IN_PROGRESS (default 2 x claimTtlMs). */
  waitMs?: number;
  /** Names the attempt in the claim, for the person who may read it (e.g. "task t-1 attempt 2"). */
  holder?: string;
  /** Stops waiting for another holder (the attempt's deadline). */
  signal?: AbortSignal;
}

export interface OnceResult<T> {
  result: T;
  /** The effect was not performed by this call: recorded earlier, or found by reconcile. */
  replayed: boolean;
  reconciled?: boolean;
}

export const DEFAULT_CLAIM_TTL_MS = 10_000;

/** Another attempt holds a live claim on this effect: try again later. */
export class EffectInProgressError extends AgentError {
  constructor(
    readonly idempotencyKey: string,
    readonly holder: string,
  ) {
    super('EFFECT_IN_PROGRESS', `effect ${idempotencyKey} is being performed by ${holder}; retry later`, true);
    this.name = 'EffectInProgressError';
  }
}

/** Nobody knows whether the effect happened, and nothing here can find out: a person decides. */
export class EffectOutcomeUnknownError extends AgentError {
  constructor(
    readonly idempotencyKey: string,
    readonly holder: string,
    readonly claimedAt: string,
    readonly reason: string,
  ) {
    super(
      'EFFECT_OUTCOME_UNKNOWN',
      `effect ${idempotencyKey}: outcome unknown (${reason}; claimed by ${holder} at ${claimedAt}); check the external system for idempotency key ${idempotencyKey} before acting`,
      false,
    );
    this.name = 'EffectOutcomeUnknownError';
  }
}

/** The outcome is unknown and asking the external system failed too: a later attempt asks again. */
export class EffectReconcileError extends AgentError {
  constructor(
    readonly idempotencyKey: string,
    cause: unknown,
  ) {
    super(
      'EFFECT_RECONCILE_FAILED',
      `effect ${idempotencyKey}: outcome unknown and the lookup failed (${codeOf(cause)})`,
      true,
    );
    this.name = 'EffectReconcileError';
    this.cause = cause;
  }
}

/**
 * This call's claim was taken over before its result could be recorded (its holder was cut off
 * from NATS, or paused, for longer than claimTtlMs): the result is not recorded and whatever the
 * key holds now stands. Retryable: the next attempt reads the ledger, which the taker settles
 * (a recorded result, or an unknown outcome that is reconciled or escalated).
 */
export class EffectClaimLostError extends AgentError {
  constructor(
    readonly idempotencyKey: string,
    readonly holder: string,
    /** What the key holds instead (its state and holder). */
    readonly found: string,
  ) {
    super(
      'EFFECT_CLAIM_LOST',
      `effect ${idempotencyKey}: the claim of ${holder} was taken over before its result was recorded (the record reads ${found}); not overwritten, the next attempt reads the ledger`,
      true,
    );
    this.name = 'EffectClaimLostError';
  }
}

/** The external system answered, but with a result that breaks its contract: not recorded. */
export class EffectOutputInvalidError extends AgentError {
  constructor(
    readonly idempotencyKey: string,
    cause: unknown,
  ) {
    // Retryable: the next attempt finds the `unknown` record and reconciles or escalates.
    super(
      'EFFECT_OUTPUT_INVALID',
      `effect ${idempotencyKey}: the result breaks its contract and was not recorded (${(cause as Error)?.message ?? String(cause)})`,
      true,
    );
    this.name = 'EffectOutputInvalidError';
    this.cause = cause;
  }
}

/**
 * A refusal (a non-retryable answer such as 409 NO_TABLE or 422) and an open breaker (the call
 * was never sent) prove the effect did not happen. Everything else, timeouts and 5xx included,
 * may have happened: the caller cannot tell a lost answer from no effect.
 */
export function defaultClassify(err: unknown): CallOutcome {
  const e = err as { retryable?: unknown; code?: unknown } | undefined;
  if (e?.retryable === false) return 'not-applied';
  if (e?.code === 'BREAKER_OPEN') return 'not-applied';
  return 'unknown';
}

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' || typeof code === 'number' ? String(code) : ((err as Error)?.name ?? 'error');
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

interface Held {
  revision: number;
  claim: LedgerClaim;
}

export class EffectLedger {
  /** This process, in every holder name: which replica took a claim. */
  private readonly processId = `${hostname()}:${process.pid}`;

  constructor(private readonly kv: KV) {}

  /** KV keys allow only [-/_=.A-Za-z0-9]; ids may hold more, so the key is a digest. */
  static keyOf(agent: string, idempotencyKey: string): string {
    return `${agent}.${createHash('sha256').update(idempotencyKey).digest('hex')}`;
  }

  /** The recorded result, if the effect is done. */
  async find(agent: string, idempotencyKey: string): Promise<LedgerRecord | undefined> {
    const entry = await this.entry(agent, idempotencyKey);
    return entry && isDone(entry.value) ? entry.value : undefined;
  }

  /** The current record of a key in any state (claimed, unknown, done), with its revision. */
  async entry(agent: string, idempotencyKey: string): Promise<{ value: LedgerEntry; revision: number } | undefined> {
    const entry = await this.kv.get(EffectLedger.keyOf(agent, idempotencyKey));
    if (!entry || entry.operation !== 'PUT') return undefined;
    return { value: entry.json<LedgerEntry>(), revision: entry.revision };
  }

  /** Records a result unconditionally (an operator's correction, or a test's arrangement). */
  async record(agent: string, idempotencyKey: string, result: unknown): Promise<void> {
    const record: LedgerRecord = { state: 'done', idempotencyKey, agent, recordedAt: new Date().toISOString(), result };
    await this.kv.put(EffectLedger.keyOf(agent, idempotencyKey), JSON.stringify(record));
  }

  /**
   * Runs fn at most once per key across attempts, replicas and crashes: a later call returns the
   * recorded result without running fn. See the file header for claims and unknown outcomes.
   */
  async once<T>(
    agent: string,
    idempotencyKey: string,
    fn: (idempotencyKey: string) => Promise<T>,
    options: EffectOptions<T> = {},
  ): Promise<OnceResult<T>> {
    const ttl = options.claimTtlMs ?? DEFAULT_CLAIM_TTL_MS;
    const waitMs = Math.max(options.waitMs ?? 2 * ttl, ttl);
    const key = EffectLedger.keyOf(agent, idempotencyKey);
    const holder = `${options.holder ?? 'attempt'}@${this.processId}#${randomUUID().slice(0, 8)}`;
    const newClaim = (): LedgerClaim => ({
      state: 'claimed',
      idempotencyKey,
      agent,
      holder,
      claimedAt: new Date().toISOString(),
      beat: 0,
    });
    const started = performance.now();
    // What we last saw of another holder's claim, and since when (our own clock) it is unchanged.
    let watched: { revision: number; since: number } | undefined;

    for (;;) {
      const entry = await this.kv.get(key);
      if (!entry || entry.operation !== 'PUT') {
        const claim = newClaim();
        try {
          const revision = entry
            ? await this.kv.update(key, JSON.stringify(claim), entry.revision)
            : await this.kv.create(key, JSON.stringify(claim));
          return await this.perform({ revision, claim }, key, fn, options, ttl);
        } catch (err) {
          if (isRevisionConflict(err)) continue; // another attempt claimed it first: look again
          throw err;
        }
      }
      const value = entry.json<LedgerEntry>();
      if (isDone(value)) return { result: this.check(value.result as T, options, idempotencyKey), replayed: true };

      const now = performance.now();
      if (value.state === 'claimed' && (!watched || watched.revision !== entry.revision)) {
        watched = { revision: entry.revision, since: now };
      }
      const dead = value.state === 'unknown' || (watched !== undefined && now - watched.since >= ttl);
      if (!dead) {
        if (now - started >= waitMs || options.signal?.aborted)
          throw new EffectInProgressError(idempotencyKey, value.holder);
        await sleep(Math.min(Math.max(ttl / 20, 50), 500), options.signal);
        continue;
      }

      // Take the key over from the dead (or undecided) holder; only one taker wins the update.
      const claim = newClaim();
      let revision: number;
      try {
        revision = await this.kv.update(key, JSON.stringify(claim), entry.revision);
      } catch (err) {
        if (isRevisionConflict(err)) {
          watched = undefined;
          continue;
        }
        throw err;
      }
      const held: Held = { revision, claim };
      const previous = { holder: value.holder, claimedAt: value.claimedAt };
      const why =
        value.state === 'unknown' ? value.reason : `holder stopped renewing its claim for ${ttl} ms without a result`;
      if (options.retrySafe) return await this.perform(held, key, fn, options, ttl);
      if (!options.reconcile) {
        await this.markUnknown(key, held, previous, why);
        throw new EffectOutcomeUnknownError(idempotencyKey, previous.holder, previous.claimedAt, why);
      }
      const found = await this.reconcile(key, held, previous, why, options, idempotencyKey, ttl);
      if (found.found) return { result: found.result, replayed: true, reconciled: true };
      // The external system has no trace of it: the effect did not happen, so we perform it.
      return await this.perform(held, key, fn, options, ttl);
    }
  }

  /** Runs fn under our claim, keeping the claim alive, and records what came of it. */
  private async perform<T>(
    held: Held,
    key: string,
    fn: (idempotencyKey: string) => Promise<T>,
    options: EffectOptions<T>,
    ttl: number,
  ): Promise<OnceResult<T>> {
    const { idempotencyKey } = held.claim;
    let result: T;
    try {
      result = await this.keepAlive(held, key, ttl, () => fn(idempotencyKey));
    } catch (err) {
      const outcome = (options.classify ?? defaultClassify)(err);
      if (outcome === 'not-applied' || options.retrySafe) {
        await this.release(key, held);
        throw err;
      }
      const previous = { holder: held.claim.holder, claimedAt: held.claim.claimedAt };
      const why = `the call failed without a definite answer (${codeOf(err)})`;
      if (!options.reconcile) {
        await this.markUnknown(key, held, previous, why);
        throw new EffectOutcomeUnknownError(idempotencyKey, previous.holder, previous.claimedAt, why);
      }
      const found = await this.reconcile(key, held, previous, why, options, idempotencyKey, ttl);
      if (found.found) return { result: found.result, replayed: true, reconciled: true };
      // Not applied after all: free the key so the retry performs it, and report the failure.
      await this.release(key, held);
      throw err;
    }
    let checked: T;
    try {
      checked = this.check(result, options, idempotencyKey);
    } catch (err) {
      await this.markUnknown(
        key,
        held,
        { holder: held.claim.holder, claimedAt: held.claim.claimedAt },
        'the result broke its contract',
      );
      throw err;
    }
    await this.complete(key, held, {
      state: 'done',
      idempotencyKey,
      agent: held.claim.agent,
      holder: held.claim.holder,
      recordedAt: new Date().toISOString(),
      result: checked,
    });
    return { result: checked, replayed: false };
  }

  /** Asks the external system; records what it found. The claim stays ours throughout. */
  private async reconcile<T>(
    key: string,
    held: Held,
    previous: { holder: string; claimedAt: string },
    why: string,
    options: EffectOptions<T>,
    idempotencyKey: string,
    ttl: number,
  ): Promise<{ found: true; result: T } | { found: false }> {
    let answer: T | undefined;
    try {
      answer = await this.keepAlive(held, key, ttl, () => options.reconcile!(idempotencyKey));
    } catch (err) {
      await this.markUnknown(key, held, previous, why);
      throw new EffectReconcileError(idempotencyKey, err);
    }
    if (answer === undefined) return { found: false };
    let checked: T;
    try {
      checked = this.check(answer, options, idempotencyKey);
    } catch (err) {
      await this.markUnknown(key, held, previous, `${why}; the reconciled result broke its contract`);
      throw err;
    }
    await this.complete(key, held, {
      state: 'done',
      idempotencyKey,
      agent: held.claim.agent,
      holder: held.claim.holder,
      recordedAt: new Date().toISOString(),
      result: checked,
      reconciled: true,
    });
    return { found: true, result: checked };
  }

  private check<T>(result: T, options: EffectOptions<T>, idempotencyKey: string): T {
    if (!options.validate) return result;
    try {
      return options.validate(result);
    } catch (err) {
      throw new EffectOutputInvalidError(idempotencyKey, err);
    }
  }

  /** Runs work while re-writing the claim every ttl/3, so observers see a live holder. */
  private async keepAlive<R>(held: Held, key: string, ttl: number, work: () => Promise<R>): Promise<R> {
    let beating = Promise.resolve();
    const timer = setInterval(
      () => {
        beating = beating.then(async () => {
          const claim = { ...held.claim, beat: held.claim.beat + 1 };
          try {
            held.revision = await this.kv.update(key, JSON.stringify(claim), held.revision);
            held.claim = claim;
          } catch {
            // NATS unreachable, or the claim was taken over: the final write settles it (below).
          }
        });
      },
      Math.max(ttl / 3, 20),
    );
    try {
      return await work();
    } finally {
      clearInterval(timer);
      await beating;
    }
  }

  /**
   * Records the result, only over the claim this call holds (compare-and-set on its revision).
   * A claim taken over while we were cut off is not ours to write: the taker has reconciled,
   * escalated or is still deciding, and overwriting its record could replace what a person or a
   * reconcile settled. The result is then not recorded and the call fails with EFFECT_CLAIM_LOST.
   */
  private async complete(key: string, held: Held, record: LedgerRecord): Promise<void> {
    try {
      held.revision = await this.kv.update(key, JSON.stringify(record), held.revision);
    } catch (err) {
      if (!isRevisionConflict(err)) throw err;
      const now = await this.kv.get(key).catch(() => null);
      const value = now && now.operation === 'PUT' ? now.json<LedgerEntry>() : undefined;
      throw new EffectClaimLostError(
        record.idempotencyKey,
        held.claim.holder,
        value ? `${value.state ?? 'done'}${'holder' in value && value.holder ? ` by ${value.holder}` : ''}` : 'nothing',
      );
    }
  }

  private async markUnknown(
    key: string,
    held: Held,
    previous: { holder: string; claimedAt: string },
    reason: string,
  ): Promise<void> {
    const record: LedgerUnknown = {
      state: 'unknown',
      idempotencyKey: held.claim.idempotencyKey,
      agent: held.claim.agent,
      holder: previous.holder,
      claimedAt: previous.claimedAt,
      since: new Date().toISOString(),
      reason,
    };
    try {
      held.revision = await this.kv.update(key, JSON.stringify(record), held.revision);
    } catch (err) {
      // Taken over meanwhile: the taker owns the decision now.
      if (!isRevisionConflict(err)) throw err;
    }
  }

  private async release(key: string, held: Held): Promise<void> {
    try {
      await this.kv.delete(key, { previousSeq: held.revision });
    } catch (err) {
      if (!isRevisionConflict(err)) throw err;
    }
  }
}

function isDone(value: LedgerEntry): value is LedgerRecord {
  return value.state === undefined || value.state === 'done';
}
