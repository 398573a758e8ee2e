// Who may post to the webhook, and how often. Each publisher is a *source* with its own signing
// secrets, a rate limit and optionally the event types it may send, kept in the JetStream KV
// bucket baton_webhook_sources (key: the source id). The gateway watches the bucket, so adding,
// changing, revoking (`revoked: true`) or deleting a source applies to the next request, on every
// replica, without a restart.
//
// Requests are signed, as established webhook providers sign theirs: HMAC-SHA256 over
// "<timestamp>.<raw body>" with one of the source's secrets, sent as
//   X-Baton-Source: <source id>
//   X-Baton-Timestamp: <unix seconds>
//   X-Baton-Signature: v1=<hex digest>
// Signatures rather than API keys: the secret never travels, so a request seen on the way (a
// proxy's log, a dead letter) can neither be altered nor sent again once the timestamp leaves the
// replay window, and a key in a header would be a bearer credential for anyone who reads it.
// Several secrets per source let a publisher rotate without a gap.
//
// Rate limits use rate-limiter-flexible (in memory, per gateway replica: with N replicas behind a
// balancer a source gets up to N times its limit; a shared store would need a server Baton does
// not run).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { Kvm, type KV, type KvWatchEntry } from '@nats-io/kv';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { buckets, notPublicSecret } from '@baton/contracts';
import { describeIssues, type Bus } from '@baton/bus';
import type { Logger } from '@baton/telemetry';

export const SIGNATURE_HEADERS = {
  source: 'x-baton-source',
  timestamp: 'x-baton-timestamp',
  signature: 'x-baton-signature',
} as const;

export const WebhookSource = z.object({
  /** HMAC keys; any one may sign (several while a publisher rotates). At least 32 characters. */
  secrets: z.array(notPublicSecret(z.string().min(32, 'a secret must be at least 32 characters'))).min(1),
  /** At most `points` requests per `durationS` seconds. */
  rateLimit: z
    .object({ points: z.number().int().positive(), durationS: z.number().int().positive() })
    .default({ points: 600, durationS: 60 }),
  /** Event types this source may send (`"*"`: every registered type); absent or empty: none. */
  eventTypes: z.array(z.string().min(1)).optional(),
  /** A revoked source is refused with 403 until the flag is cleared. */
  revoked: z.boolean().default(false),
});
export type WebhookSource = z.infer<typeof WebhookSource>;

/** The signature a source sends: `v1=` and the hex HMAC-SHA256 of "<timestamp>.<body>". */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export type Refusal = { status: 401 | 403 | 429; error: string; reason: string; retryAfterS?: number };
export type Admission =
  | { ok: true; sourceId: string; source: WebhookSource }
  | ({ ok: false; sourceId?: string } & Refusal);

interface Known {
  source?: WebhookSource;
  /** Why the stored record is unusable, when it is. */
  invalid?: string;
  limiter?: RateLimiterMemory;
}

export class WebhookSources {
  private readonly known = new Map<string, Known>();
  private stopped = false;

  private constructor(
    private readonly kv: KV,
    private readonly logger: Logger,
    private readonly toleranceS: number,
  ) {}

  /** Opens (creating if needed) the bucket and follows it; resolves once the current records are read. */
  static async open(bus: Bus, logger: Logger, toleranceS: number): Promise<WebhookSources> {
    const kv = await new Kvm(bus.js).create(buckets.webhookSources, { history: 5, replicas: bus.replicas });
    const sources = new WebhookSources(kv, logger, toleranceS);
    await sources.follow();
    return sources;
  }

  private async follow(): Promise<void> {
    const watch = await this.kv.watch(); // the last value of every key, then every change
    let markReady!: () => void;
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    // `delta` counts the entries still pending behind this one: 0 ends the initial values.
    void (async () => {
      for await (const entry of watch) {
        if (this.stopped) break;
        this.apply(entry);
        if (entry.delta === 0) markReady();
      }
    })();
    const status = await this.kv.status();
    if (status.values === 0) markReady();
    await ready;
  }

  private apply(entry: KvWatchEntry): void {
    if (entry.operation !== 'PUT') {
      this.known.delete(entry.key);
      this.logger.info({ source: entry.key }, 'webhook source removed');
      return;
    }
    let json: unknown;
    try {
      json = entry.json();
    } catch {
      json = undefined;
    }
    const parsed = WebhookSource.safeParse(json);
    if (!parsed.success) {
      this.known.set(entry.key, { invalid: describeIssues(parsed.error.issues) });
      this.logger.error(
        { source: entry.key, reason: describeIssues(parsed.error.issues) },
        'webhook source record is invalid; its requests are refused',
      );
      return;
    }
    const source = parsed.data;
    this.known.set(entry.key, {
      source,
      limiter: new RateLimiterMemory({ points: source.rateLimit.points, duration: source.rateLimit.durationS }),
    });
    this.logger.info(
      { source: entry.key, revoked: source.revoked, rateLimit: source.rateLimit },
      'webhook source updated',
    );
  }

  /** Authenticates the request and spends one unit of its source's rate limit. */
  async admit(headers: Record<string, string | undefined>, rawBody: string, nowMs = Date.now()): Promise<Admission> {
    const sourceId = headers[SIGNATURE_HEADERS.source];
    const timestamp = headers[SIGNATURE_HEADERS.timestamp];
    const signature = headers[SIGNATURE_HEADERS.signature];
    if (!sourceId || !timestamp || !signature) {
      return {
        ok: false,
        status: 401,
        error: 'UNAUTHENTICATED',
        reason: `a signed request needs the headers ${Object.values(SIGNATURE_HEADERS).join(', ')}`,
      };
    }
    const known = this.known.get(sourceId);
    if (!known)
      return { ok: false, sourceId, status: 401, error: 'UNKNOWN_SOURCE', reason: `no webhook source "${sourceId}"` };
    if (!known.source || !known.limiter)
      return {
        ok: false,
        sourceId,
        status: 401,
        error: 'SOURCE_MISCONFIGURED',
        reason: `webhook source "${sourceId}" has an invalid record`,
      };
    if (!/^\d{1,12}$/.test(timestamp))
      return {
        ok: false,
        sourceId,
        status: 401,
        error: 'BAD_TIMESTAMP',
        reason: `${SIGNATURE_HEADERS.timestamp} must be unix seconds`,
      };
    const skewS = Math.abs(nowMs / 1000 - Number(timestamp));
    if (skewS > this.toleranceS) {
      return {
        ok: false,
        sourceId,
        status: 401,
        error: 'STALE_SIGNATURE',
        reason: `timestamp is ${Math.round(skewS)} s away from the gateway's clock (replay window ${this.toleranceS} s)`,
      };
    }
    const given = Buffer.from(signature);
    const matches = known.source.secrets.some((secret) => {
      const expected = Buffer.from(signWebhook(secret, timestamp, rawBody));
      return expected.length === given.length && timingSafeEqual(expected, given);
    });
    if (!matches)
      return {
        ok: false,
        sourceId,
        status: 401,
        error: 'BAD_SIGNATURE',
        reason: "signature does not match the body and timestamp under any of the source's secrets",
      };
    if (known.source.revoked)
      return {
        ok: false,
        sourceId,
        status: 403,
        error: 'SOURCE_REVOKED',
        reason: `webhook source "${sourceId}" is revoked`,
      };
    try {
      await known.limiter.consume(sourceId);
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      const retryAfterS = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
      return {
        ok: false,
        sourceId,
        status: 429,
        error: 'RATE_LIMITED',
        reason: `webhook source "${sourceId}" may send ${known.source.rateLimit.points} requests per ${known.source.rateLimit.durationS} s; retry in ${retryAfterS} s`,
        retryAfterS,
      };
    }
    return { ok: true, sourceId, source: known.source };
  }

  stop(): void {
    this.stopped = true;
  }
}
