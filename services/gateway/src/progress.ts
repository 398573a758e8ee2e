// GET /progress?workflowId=<id>: a workflow's progress as Server-Sent Events, for the webhook
// source that started it (docs/progress.md). Signed as a webhook request is (sources.ts), over
// "<timestamp>.GET <path and query>" instead of the body. The workflow's owner is the source its
// event claim recorded (event-claims.ts); any other source, or a workflow nobody claimed, gets the
// same 404, so a source learns nothing of another's workflows. Each event's id is its sequence in
// the BATON_PROGRESS stream: a client that reconnects with `Last-Event-ID` gets what came after.
// The stream ends after the workflow's outcome; a comment keeps idle connections open.
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ProgressSse, parseLastEventId, withTimeout, type Bus } from '@baton/bus';
import type { Logger } from '@baton/telemetry';
import type { EventClaims } from './event-claims.js';

/** What a source signs for a GET: the method and the request target, as sent. */
export function signedTarget(method: string, url: string): string {
  return `${method} ${url}`;
}

export interface ProgressStreamOptions {
  /** Between keep-alive comments on a quiet stream. */
  keepAliveMs: number;
  /** Bound of each NATS call before the stream opens (the claim look-up, the consumer). */
  lookupTimeoutMs: number;
}

export type ProgressRefusal = { status: 400 | 404 | 503; error: string; reason: string };

export class ProgressStreams {
  private readonly sse: ProgressSse;

  constructor(
    private readonly deps: { bus: Bus; claims: EventClaims; logger: Logger },
    private readonly options: ProgressStreamOptions,
  ) {
    this.sse = new ProgressSse(deps.bus, deps.logger, {
      keepAliveMs: options.keepAliveMs,
      openTimeoutMs: options.lookupTimeoutMs,
    });
  }

  /** Checks that `source` started the workflow; undefined when it may read its progress. */
  async refusal(
    source: string,
    workflowId: string | undefined,
    lastEventId: string | undefined,
  ): Promise<ProgressRefusal | undefined> {
    if (!workflowId)
      return {
        status: 400,
        error: 'NO_WORKFLOW',
        reason: 'name the workflow: /progress?workflowId=<the id the webhook answered>',
      };
    if (parseLastEventId(lastEventId) === 'invalid')
      return {
        status: 400,
        error: 'BAD_LAST_EVENT_ID',
        reason: 'Last-Event-ID must be the id of an event this stream sent',
      };
    // The webhook answers 202 once the event is in its stream; the event is claimed, with its
    // source, when the gateway's consumer takes it a moment later. A client that asks right after
    // its 202 waits for the claim (within the look-up bound) instead of hearing "unknown workflow".
    const deadline = Date.now() + this.options.lookupTimeoutMs;
    const pollMs = Math.min(100, this.options.lookupTimeoutMs / 5);
    let owner: string | undefined;
    try {
      for (;;) {
        owner = await withTimeout(
          'the event claim look-up',
          Math.max(1, deadline - Date.now()),
          this.deps.claims.sourceOf(workflowId),
        );
        if (owner !== undefined || Date.now() + pollMs >= deadline) break;
        await sleep(pollMs);
      }
    } catch (err) {
      this.deps.logger.warn({ workflowId, error: String(err) }, 'progress: claim look-up failed');
      return { status: 503, error: 'UNAVAILABLE', reason: 'the workflow could not be looked up; retry' };
    }
    if (owner !== source)
      return { status: 404, error: 'UNKNOWN_WORKFLOW', reason: `no workflow ${workflowId} started by this source` };
    return undefined;
  }

  /** Streams the workflow's progress on `res` (packages/bus/src/progress-sse.ts). */
  serve(res: ServerResponse, workflowId: string, lastEventId: string | undefined): Promise<void> {
    return this.sse.serve(res, workflowId, lastEventId);
  }

  closeAll(): void {
    this.sse.closeAll();
  }
}
