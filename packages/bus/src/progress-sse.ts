// A workflow's progress (BATON_PROGRESS, packages/contracts/src/progress.ts) written to an HTTP
// response as Server-Sent Events: what came after `Last-Event-ID` (each event's id is its stream
// sequence), then every new event live, a comment on quiet stretches so proxies keep the
// connection, and the end after the workflow's outcome. The gateway serves it to the source that
// started the workflow, the console to the people on its workflow page; each checks who may read
// first. `closeAll` ends every open stream at shutdown (an open response would hold the close).
import type { ServerResponse } from 'node:http';
import { progressSubjects, streams, type ProgressEvent } from '@baton/contracts';
import type { Logger } from '@baton/telemetry';
import type { Bus } from './connection.js';
import { followStream, type FollowedStream } from './read.js';

export interface ProgressSseOptions {
  /** Between keep-alive comments on a quiet stream. */
  keepAliveMs: number;
  /** Bound of opening the stream (the ordered consumer's creation). */
  openTimeoutMs: number;
}

/** `Last-Event-ID`: absent (from the start) or a stream sequence. */
export function parseLastEventId(header: string | undefined): number | undefined | 'invalid' {
  if (header === undefined || header === '') return undefined;
  return /^\d{1,15}$/.test(header) ? Number(header) : 'invalid';
}

/** `promise`, or a rejection naming `what` after `ms`. */
export function withTimeout<T>(what: string, ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class ProgressSse {
  private readonly open = new Set<() => void>();

  constructor(
    private readonly bus: Bus,
    private readonly logger: Logger,
    private readonly options: ProgressSseOptions,
  ) {}

  /** Streams the workflow's progress on `res` until its outcome, the client leaves, or closeAll.
   *  A Last-Event-ID that is not a sequence starts from the beginning (callers refuse it first). */
  async serve(res: ServerResponse, workflowId: string, lastEventId: string | undefined): Promise<void> {
    const after = parseLastEventId(lastEventId);
    let followed: FollowedStream<ProgressEvent>;
    try {
      followed = await withTimeout(
        'opening the progress stream',
        this.options.openTimeoutMs,
        // Checked (strictly) by the kit's activity before it was published, and only the
        // orchestrator may publish there: passed on as stored, so a field a newer orchestrator
        // adds never breaks an older reader's stream.
        followStream(this.bus, streams.progress, {
          filterSubject: progressSubjects.ofWorkflow(workflowId),
          afterSeq: typeof after === 'number' ? after : 0,
          parse: (v) => v as ProgressEvent,
        }),
      );
    } catch (err) {
      this.logger.warn({ workflowId, error: String(err) }, 'progress: stream could not be opened');
      res
        .writeHead(503, { 'content-type': 'application/json', 'retry-after': '2' })
        .end(JSON.stringify({ error: 'UNAVAILABLE', reason: 'the progress stream could not be opened; retry' }));
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
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
      this.logger.warn({ workflowId, error: String(err) }, 'progress: stream ended on an error');
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
