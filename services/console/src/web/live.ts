// The inbox refreshing itself: the console follows the gate notices on BATON_NOTICES (an ordered
// consumer from "now on", headers only: the console needs to know that a gate opened, moved or
// closed, not what it holds) and tells each open inbox page over server-sent events; the page
// then fetches the inbox again. Notices rather than polling Temporal: a gate's change reaches the
// page within a moment, and no page costs Temporal anything while nothing changes (polling
// visibility for every open page would). Bursts are folded into one event per interval, and each
// stream ends after a while (the browser reconnects, and the session is checked again).
import type { FastifyReply } from 'fastify';
import { DeliverPolicy } from '@nats-io/jetstream';
import { streams, subjects } from '@baton/contracts';
import type { Bus } from '@baton/bus';
import type { Logger } from '@baton/telemetry';

export interface LiveOptions {
  /** At most one event per this long, however many notices arrive (default 1 s). */
  foldMs?: number;
  /** A comment line this often keeps proxies from closing an idle stream (default 25 s). */
  heartbeatMs?: number;
  /** A stream ends after this long; the browser's EventSource reconnects (default 10 minutes). */
  streamMs?: number;
}

/** Tells every connected page when what waits for people may have changed. */
export class InboxLive {
  private readonly pages = new Set<FastifyReply>();
  private pending: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly foldMs: number;
  private readonly heartbeatMs: number;
  private readonly streamMs: number;

  constructor(
    private readonly logger: Logger,
    options: LiveOptions = {},
  ) {
    this.foldMs = options.foldMs ?? 1_000;
    this.heartbeatMs = options.heartbeatMs ?? 25_000;
    this.streamMs = options.streamMs ?? 10 * 60_000;
  }

  /** Follows the gate notices until stop(); a consumer that ends (NATS restarted) is made again. */
  follow(bus: Bus): void {
    const loop = async () => {
      while (!this.stopped) {
        try {
          const consumer = await bus.js.consumers.get(streams.notices, {
            filter_subjects: [subjects.notice('gate.>')],
            deliver_policy: DeliverPolicy.New,
            headers_only: true,
          });
          const messages = await consumer.consume();
          this.consuming = messages;
          for await (const m of messages) {
            void m;
            this.changed();
          }
        } catch (err) {
          if (this.stopped) return;
          this.logger.warn(
            { err: (err as Error).message },
            'inbox live updates: following gate notices failed; again in 5 s',
          );
          await new Promise((resolve) => setTimeout(resolve, 5_000).unref());
        }
      }
    };
    void loop();
  }

  private consuming: { stop(): void } | undefined;

  /** Something changed: one event to every page, at most once per foldMs. */
  changed(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      for (const reply of this.pages) reply.raw.write(`event: inbox\ndata: ${new Date().toISOString()}\n\n`);
    }, this.foldMs);
  }

  /** Serves one page's event stream (the reply is taken over from Fastify). */
  serve(reply: FastifyReply): void {
    reply.hijack();
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // Reconnect after 3 s when the stream ends; the first line shows the page it is connected.
    reply.raw.write(`retry: 3000\nevent: ready\ndata: ${new Date().toISOString()}\n\n`);
    this.pages.add(reply);
    const heartbeat = setInterval(() => reply.raw.write(': still here\n\n'), this.heartbeatMs);
    const end = setTimeout(() => reply.raw.end(), this.streamMs);
    reply.raw.on('close', () => {
      clearInterval(heartbeat);
      clearTimeout(end);
      this.pages.delete(reply);
    });
  }

  /** How many pages listen now. */
  get listening(): number {
    return this.pages.size;
  }

  stop(): void {
    this.stopped = true;
    this.consuming?.stop();
    if (this.pending) clearTimeout(this.pending);
    for (const reply of this.pages) reply.raw.end();
    this.pages.clear();
  }
}
