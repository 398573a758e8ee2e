// Fault settings of a simulated external system, changed at run time over HTTP. Faults are
// injected at this boundary, never by flags inside the agents.
import { z } from 'zod';

const fields = {
  /** Share of requests answered 503 before any state changes, 0..1. */
  errorRate: z.number().min(0).max(1),
  /** Delay before a request is processed. */
  latencyMs: z.number().int().min(0).max(600_000),
  /** Delay after the state change is stored, before the answer: a lost-response window. */
  latencyAfterCommitMs: z.number().int().min(0).max(600_000),
  /** While now < outageUntil (epoch ms) every request is answered 503. */
  outageUntil: z.number().int().min(0),
  /** Share of writes committed late, 0..1: a late write is committed at a random moment between
   *  lateCommitMinMs and lateCommitMaxMs after it arrived, unless its reference was cancelled
   *  before that moment (then it is refused and never applied). */
  lateCommitShare: z.number().min(0).max(1),
  lateCommitMinMs: z.number().int().min(0).max(600_000),
  lateCommitMaxMs: z.number().int().min(0).max(600_000),
  /** How a late write is answered: "first" answers 504 COMMIT_PENDING at once and commits
   *  afterwards (a commit after the answer); "after-commit" holds the answer until the commit, so
   *  a caller with a shorter timeout has given up before it lands (a commit after the timeout). */
  lateCommitAnswer: z.enum(['first', 'after-commit']),
  /** Routes ("POST /refunds") answered 422 REFUSED_BY_PROVIDER: a definite, final no. */
  refuse: z.array(z.string().regex(/^(GET|POST|PUT|DELETE) \/\S*$/)),
  /** The error code a refused route answers with: a business refusal the workflow may handle
   *  itself (the default), or another final no that it does not. */
  refuseCode: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/),
};

export const FaultSettings = z.object({
  errorRate: fields.errorRate.default(0),
  latencyMs: fields.latencyMs.default(0),
  latencyAfterCommitMs: fields.latencyAfterCommitMs.default(0),
  outageUntil: fields.outageUntil.default(0),
  lateCommitShare: fields.lateCommitShare.default(0),
  lateCommitMinMs: fields.lateCommitMinMs.default(0),
  lateCommitMaxMs: fields.lateCommitMaxMs.default(0),
  lateCommitAnswer: fields.lateCommitAnswer.default('after-commit'),
  refuse: fields.refuse.default([]),
  refuseCode: fields.refuseCode.default('REFUSED_BY_PROVIDER'),
});
/** A change to the settings: only the fields it names change (no defaults filled in). */
export const FaultPatch = z.object(fields).partial();
export type FaultSettings = z.infer<typeof FaultSettings>;

export class Faults {
  private settings: FaultSettings = FaultSettings.parse({});
  private readonly random: () => number;

  constructor(random: () => number = Math.random) {
    this.random = random;
  }

  get current(): FaultSettings {
    return this.settings;
  }

  set(patch: Partial<FaultSettings>): FaultSettings {
    this.settings = FaultSettings.parse({ ...this.settings, ...patch });
    return this.settings;
  }

  refuses(method: string, route: string): boolean {
    return this.settings.refuse.includes(`${method} ${route}`);
  }

  /** How long after its arrival this write commits: 0 for at once, else a random moment within
   *  the late-commit window (for the configured share of writes). */
  lateCommitDelay(): number {
    const { lateCommitShare, lateCommitMinMs, lateCommitMaxMs } = this.settings;
    if (lateCommitShare <= 0 || lateCommitMaxMs <= 0 || this.random() >= lateCommitShare) return 0;
    const low = Math.min(lateCommitMinMs, lateCommitMaxMs);
    return Math.max(1, Math.round(low + this.random() * (lateCommitMaxMs - low)));
  }

  /** Whether this request should fail before touching state. */
  shouldFail(now = Date.now()): boolean {
    return now < this.settings.outageUntil || this.random() < this.settings.errorRate;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
