// GET /progress?workflowId=<id>: a workflow's progress as Server-Sent Events, for the webhook
// source that started it (docs/progress.md). Signed as a webhook request is (sources.ts), over
// "<timestamp>.GET <path and query>" instead of the body. The workflow's owner is the source its
// event claim recorded (event-claims.ts); any other source, or a workflow nobody claimed, gets the
// same 404, so a source learns nothing of another's workflows. Each event's id is its sequence in
// the BATON_PROGRESS stream: a client that reconnects with `Last-Event-ID` gets what came after.
// The stream ends after the workflow's outcome; a comment keeps idle connections open.
import type { ServerResponse } from 'node:http';
import { ProgressEvent, progressSubjects, streams } from '@baton/contracts';
import { followStream, type Bus, type FollowedStream } from '@baton/bus';
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

function withTimeout<T>(what: string, ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** `Last-Event-ID`: absent (from the start) or a stream sequence. */
export function parseLastEventId(header: string | undefined): number | undefined | 'invalid' {
  if (header === undefined || header === '') return undefined;
  return /^\d{1,15}$/.test(header) ? Number(header) : 'invalid';
}

/** The open streams, so a shutdown ends them (an open response would hold the server's close). */
export class ProgressStreams {
  private readonly open = new Set<() => void>();

  constructor(
    private readonly deps: { bus: Bus; claims: EventClaims; logger: Logger },
    private readonly options: ProgressStreamOptions,
  ) {}

  /** Checks that `source` started the workflow; undefined when it may read its progress. */
  async refusal(source: string, workflowId: string | undefined, lastEventId: string | undefined): Promise<ProgressRefusal | undefined> {
    if (!workflowId) return { status: 400, error: 'NO_WORKFLOW', reason: 'name the workflow: /progress?workflowId=<the id the webhook answered>' };
    if (parseLastEventId(lastEventId) === 'invalid') return { status: 400, error: 'BAD_LAST_EVENT_ID', reason: 'Last-Event-ID must be the id of an event this stream sent' };
    let owner: string | undefined;
    try {
      owner = await withTimeout('the event claim look-up', this.options.lookupTimeoutMs, this.deps.claims.sourceOf(workflowId));
    } catch (err) {
      this.deps.logger.warn({ workflowId, error: String(err) }, 'progress: claim look-up failed');
      return { status: 503, error: 'UNAVAILABLE', reason: 'the workflow could not be looked up; retry' };
    }
    if (owner !== source) return { status: 404, error: 'UNKNOWN_WORKFLOW', reason: `no workflow ${workflowId} started by this source` };
    return undefined;
  }

  /** Streams the workflow's progress on `res` until its outcome, the client leaves, or shutdown. */
  async serve(res: ServerResponse, workflowId: string, lastEventId: string | undefined): Promise<void> {
    const after = parseLastEventId(lastEventId);
    let followed: FollowedStream<ProgressEvent>;
    try {
      followed = await withTimeout('opening the progress stream', this.options.lookupTimeoutMs, followStream(this.deps.bus, streams.progress, { filterSubject: progressSubjects.ofWorkflow(workflowId), afterSeq: typeof after === 'number' ? after : 0, parse: (v) => ProgressEvent.parse(v) }));
    } catch (err) {
      this.deps.logger.warn({ workflowId, error: String(err) }, 'progress: stream could not be opened');
      res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'UNAVAILABLE', reason: 'the progress stream could not be opened; retry' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    // A client that loses the connection tries again after this long (EventSource does by itself).
    res.write('retry: 2000\n\n');
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), this.options.keepAliveMs);
    const end = () => {
      clearInterval(keepAlive);
      followed.stop();
      if (!res.writableEnded) res.end();
    };
    this.open.add(end);
    res.on('close', end);
    try {
      for await (const m of followed) {
        res.write(`id: ${m.seq}\nevent: ${m.value.kind}\ndata: ${JSON.stringify(m.value)}\n\n`);
        if (m.value.kind === 'outcome') break;
      }
    } catch (err) {
      this.deps.logger.warn({ workflowId, error: String(err) }, 'progress: stream ended on an error');
    } finally {
      this.open.delete(end);
      end();
    }
  }

  /** Ends every open stream (at shutdown: clients reconnect with Last-Event-ID elsewhere). */
  closeAll(): void {
    for (const end of [...this.open]) end();
  }
}
