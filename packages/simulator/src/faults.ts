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

  /** Whether this request should fail before touching state. */
  shouldFail(now = Date.now()): boolean {
    return now < this.settings.outageUntil || this.random() < this.settings.errorRate;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
