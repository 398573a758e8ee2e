// `baton events`: send and inspect events by hand, as the systems that publish see Baton.
//   baton events send --file <event.json> | --type <type> --data <json> [--key <idempotency key>]
//       signed as a configured webhook source (BATON_WEBHOOK_SOURCE, BATON_WEBHOOK_SECRET or
//       --secret-file) and posted to the gateway (BATON_GATEWAY_URL); waits out 429 and 503
//   baton events tail [--events-only | --dead-letters-only] [--count <n>]
//       new events and dead letters, one JSON line each
//   baton events replay <seq> --by <operator> [--payload-file <corrected.json>]
//       through the console, with the operator role
//   baton events sources add <id> | rotate <id> | revoke <id> | list     who may post to the webhook
import { randomBytes, randomUUID, createHmac } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { z } from 'zod';
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { BaseServiceConfig, DeadLetter, buckets, loadConfig, streams, type AnyEventEnvelope } from '@baton/contracts';
import { connectBus, type Bus } from '@baton/bus';
import { WebhookSource } from '@baton/gateway';

const SendConfig = z.object({
  BATON_GATEWAY_URL: z.url().default('http://127.0.0.1:8340'),
  BATON_WEBHOOK_SOURCE: z.string().min(1).optional(),
  BATON_WEBHOOK_SECRET: z.string().min(1).optional(),
  BATON_WEBHOOK_SECRET_FILE: z.string().min(1).optional(),
});
const ReplayConfig = z.object({
  BATON_CONSOLE_URL: z.url().default('http://127.0.0.1:8344'),
  BATON_CONSOLE_PASSWORD: z.string().min(1).optional(),
});

/** A refusal the person can act on: the message says what to do. */
export class EventsCliError extends Error {}

function jsonValue(what: string) {
  return (value: string): unknown => {
    try {
      return JSON.parse(value);
    } catch {
      throw new InvalidArgumentError(`${what} must be JSON, e.g. '{"text":"Table for 2"}'`);
    }
  };
}

function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new EventsCliError(
      `cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new EventsCliError(`${what} ${path} is not JSON: ${(err as Error).message}`);
  }
}

/** What to do about each refusal of the webhook. */
const ADVICE: Record<number, string> = {
  400: 'fix the event (the reason names the field) and send it again; it was dead-lettered',
  401: 'check --source / BATON_WEBHOOK_SOURCE and the secret (baton events sources rotate gives a new one), and the clock of this machine',
  403: 'the source is revoked or may not send this type: see baton events sources list',
  409: 'this idempotency key already started a workflow with other content: send a new request with a new --key',
  413: 'the event is over 256 KiB: send large content by reference',
};

interface SendOptions {
  file?: string;
  type?: string;
  data?: unknown;
  key?: string;
  source?: string;
  secretFile?: string;
  eventSource: string;
}

function eventOf(opts: SendOptions): AnyEventEnvelope {
  if (opts.file) {
    if (opts.type || opts.data !== undefined)
      throw new EventsCliError('give either --file or --type with --data, not both');
    return readJsonFile(opts.file, 'the event file') as AnyEventEnvelope;
  }
  if (!opts.type || opts.data === undefined)
    throw new EventsCliError(
      'give the event: --file <event.json>, or --type <type> --data <json> (see baton events send --help)',
    );
  return {
    id: randomUUID(),
    source: opts.eventSource,
    specversion: '1.0',
    type: opts.type,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    idempotencykey: opts.key ?? `cli-${randomUUID()}`,
    data: opts.data,
  };
}

async function send(opts: SendOptions): Promise<unknown> {
  const config = loadConfig(SendConfig, process.env);
  const source = opts.source ?? config.BATON_WEBHOOK_SOURCE;
  const secretFile = opts.secretFile ?? config.BATON_WEBHOOK_SECRET_FILE;
  const secret = secretFile ? readFileSync(secretFile, 'utf8').trim() : config.BATON_WEBHOOK_SECRET;
  if (!source || !secret)
    throw new EventsCliError(
      'no webhook source to sign as: set BATON_WEBHOOK_SOURCE and BATON_WEBHOOK_SECRET (or pass --source and --secret-file); baton events sources add <id> makes one',
    );
  const body = JSON.stringify(eventOf(opts));
  for (let attempt = 1; ; attempt++) {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
    let response: Response;
    try {
      response = await fetch(new URL('/events', config.BATON_GATEWAY_URL), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-baton-source': source,
          'x-baton-timestamp': timestamp,
          'x-baton-signature': signature,
        },
        body,
        signal: AbortSignal.timeout(30_000),
      });
    } catch (err) {
      throw new EventsCliError(
        `the gateway at ${config.BATON_GATEWAY_URL} did not answer (${(err as Error).message}): is it running, and is BATON_GATEWAY_URL right?`,
      );
    }
    const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (response.status === 202) return { status: 202, attempts: attempt, ...answer };
    const retryAfter = Number(response.headers.get('retry-after'));
    if ((response.status === 429 || response.status === 503) && attempt < 3) {
      const waitS = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 1;
      process.stderr.write(
        `baton: the gateway answered ${response.status} (${String(answer.reason ?? '')}): sending again in ${waitS} s\n`,
      );
      await new Promise((r) => setTimeout(r, waitS * 1000));
      continue;
    }
    const advice =
      ADVICE[response.status] ??
      (response.status === 429 || response.status === 503
        ? `wait ${Number.isFinite(retryAfter) ? retryAfter : 'a few'} s and send it again`
        : "see the gateway's log");
    throw new EventsCliError(
      `the gateway refused the event (${response.status} ${String(answer.error ?? response.statusText)}): ${String(answer.reason ?? answer.message ?? '')}; ${advice}`,
    );
  }
}

async function withBus<T>(
  seedOf: (config: z.output<typeof BaseServiceConfig>) => string | undefined,
  fn: (bus: Bus) => Promise<T>,
): Promise<T> {
  const config = loadConfig(BaseServiceConfig, process.env);
  const seed = seedOf(config);
  let bus: Bus;
  try {
    bus = await connectBus({
      servers: config.BATON_NATS_URL,
      replicas: config.BATON_NATS_REPLICAS,
      name: 'baton-cli',
      ...(seed ? { nkeySeed: seed } : {}),
    });
  } catch (err) {
    throw new EventsCliError(
      `cannot connect to NATS at ${config.BATON_NATS_URL} (${(err as Error).message}): set BATON_NATS_URL, and BATON_NATS_NKEY_SEED_FILE to an identity that may read the streams (admin)`,
    );
  }
  try {
    return await fn(bus);
  } finally {
    await bus.close();
  }
}

/** New events and dead letters, one JSON line each, until interrupted or `count` were shown. */
async function tail(bus: Bus, opts: { events: boolean; deadLetters: boolean; count?: number }): Promise<void> {
  const js = jetstream(bus.nc);
  const wanted = [...(opts.events ? [streams.events] : []), ...(opts.deadLetters ? [streams.deadLetters] : [])];
  // From this moment on, whenever the server makes the consumers: nothing sent after the line
  // below is missed.
  const since = new Date().toISOString();
  const consumers = await Promise.all(
    wanted.map((stream) =>
      js.consumers.get(stream, { deliver_policy: DeliverPolicy.StartTime, opt_start_time: since }),
    ),
  );
  const iterators = await Promise.all(consumers.map((consumer) => consumer.consume()));
  let shown = 0;
  const done = new AbortController();
  process.stderr.write(`baton: tailing ${wanted.join(' and ')} since ${since}\n`);
  await Promise.all(
    iterators.map(async (messages, i) => {
      done.signal.addEventListener('abort', () => void messages.close());
      for await (const msg of messages) {
        const line =
          wanted[i] === streams.events
            ? (() => {
                let event: Partial<AnyEventEnvelope> = {};
                try {
                  event = msg.json<AnyEventEnvelope>();
                } catch {
                  /* shown as it came: the gateway dead-letters it */
                }
                return {
                  kind: 'event',
                  seq: msg.seq,
                  subject: msg.subject,
                  msgId: msg.headers?.get('Nats-Msg-Id') ?? undefined,
                  id: event.id,
                  type: event.type,
                  idempotencykey: event.idempotencykey,
                  time: event.time,
                };
              })()
            : (() => {
                const letter = DeadLetter.safeParse(msg.json());
                return letter.success
                  ? {
                      kind: 'dead-letter',
                      seq: msg.seq,
                      rejectedBy: letter.data.rejectedBy,
                      reason: letter.data.reason,
                      subject: letter.data.subject,
                      receivedAt: letter.data.receivedAt,
                      payload: letter.data.payload.slice(0, 2000),
                    }
                  : { kind: 'dead-letter', seq: msg.seq, subject: msg.subject };
              })();
        process.stdout.write(`${JSON.stringify(line)}\n`);
        if (opts.count !== undefined && ++shown >= opts.count) done.abort();
      }
    }),
  );
}

async function replay(
  seq: number,
  opts: { by: string; passwordFile?: string; payloadFile?: string },
): Promise<unknown> {
  const config = loadConfig(ReplayConfig, process.env);
  const password = opts.passwordFile
    ? readFileSync(opts.passwordFile, 'utf8').replace(/\r?\n$/, '')
    : config.BATON_CONSOLE_PASSWORD;
  if (!password)
    throw new EventsCliError(
      'no password: set BATON_CONSOLE_PASSWORD or pass --password-file (the operator signs in with the request)',
    );
  const payload = opts.payloadFile
    ? JSON.stringify(readJsonFile(opts.payloadFile, 'the corrected payload'))
    : undefined;
  let response: Response;
  try {
    response = await fetch(new URL(`/api/dead-letters/${seq}/replay`, config.BATON_CONSOLE_URL), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${opts.by}:${password}`).toString('base64')}`,
      },
      body: JSON.stringify(payload ? { payload } : {}),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    throw new EventsCliError(
      `the console at ${config.BATON_CONSOLE_URL} did not answer (${(err as Error).message}): is it running, and is BATON_CONSOLE_URL right?`,
    );
  }
  const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok)
    throw new EventsCliError(
      `the console refused the replay (${response.status} ${String(answer.error ?? '')}): ${String(answer.reason ?? response.statusText)}`,
    );
  return answer;
}

async function sourcesBucket(bus: Bus): Promise<KV> {
  return new Kvm(bus.js).create(buckets.webhookSources, { history: 5, replicas: bus.replicas });
}

async function storedSource(kv: KV, id: string): Promise<WebhookSource> {
  const entry = await kv.get(id);
  if (!entry || entry.operation !== 'PUT')
    throw new EventsCliError(
      `no webhook source "${id}": baton events sources list shows them, baton events sources add ${id} makes it`,
    );
  return WebhookSource.parse(entry.json());
}

/** The new secret goes to a file (mode 0600) when one is named, else it is printed once. */
function handOver(id: string, secret: string, secretFile: string | undefined): Record<string, string> {
  if (!secretFile)
    return { source: id, secret, note: 'the secret is shown once: give it to the publisher (BATON_WEBHOOK_SECRET)' };
  writeFileSync(secretFile, `${secret}\n`, { mode: 0o600 });
  return { source: id, secretFile };
}

function rateLimit(value: string): { points: number; durationS: number } {
  const match = /^(\d+)\/(\d+)s$/.exec(value);
  if (!match || Number(match[1]) < 1 || Number(match[2]) < 1)
    throw new InvalidArgumentError('must be <requests>/<seconds>s, e.g. 600/60s');
  return { points: Number(match[1]), durationS: Number(match[2]) };
}

/** `baton events ...` on the given program; `seedOf` gives the CLI's NATS identity. */
export function registerEventsCommands(
  program: Command,
  seedOf: (config: z.output<typeof BaseServiceConfig>) => string | undefined,
): void {
  const events = program
    .command('events')
    .description(
      'send and inspect events as a publishing system does: send, tail, replay a dead letter, manage webhook sources',
    );
  events
    .command('send')
    .description('sign an event as a webhook source and post it to the gateway (waits out 429 and 503)')
    .option('--file <event.json>', 'the whole event envelope from a file')
    .option('--type <type>', 'the event type, e.g. reservation.requested.v2 (with --data)')
    .addOption(
      new Option('--data <json>', 'the event\'s data, e.g. \'{"text":"Table for 2"}\'').argParser(jsonValue('--data')),
    )
    .option('--key <idempotencyKey>', 'the idempotency key (default: a new one, so a new request)')
    .addOption(new Option('--event-source <urn>', "the envelope's source attribute").default('urn:baton:cli'))
    .option('--source <id>', 'the webhook source to sign as (else BATON_WEBHOOK_SOURCE)')
    .option(
      '--secret-file <path>',
      "a file holding the source's secret (else BATON_WEBHOOK_SECRET or BATON_WEBHOOK_SECRET_FILE)",
    )
    .action(async (opts: SendOptions) => console.log(JSON.stringify(await send(opts), null, 2)));
  events
    .command('tail')
    .description('print new events and dead letters as they arrive, one JSON line each (Ctrl-C stops)')
    .option('--events-only', 'only events')
    .option('--dead-letters-only', 'only dead letters')
    .addOption(
      new Option('--count <n>', 'stop after n messages').argParser((v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive whole number');
        return n;
      }),
    )
    .action(async (opts: { eventsOnly?: boolean; deadLettersOnly?: boolean; count?: number }) => {
      if (opts.eventsOnly && opts.deadLettersOnly)
        throw new EventsCliError('choose --events-only or --dead-letters-only, not both');
      await withBus(seedOf, (bus) =>
        tail(bus, {
          events: !opts.deadLettersOnly,
          deadLetters: !opts.eventsOnly,
          ...(opts.count ? { count: opts.count } : {}),
        }),
      );
    });
  events
    .command('replay')
    .argument('<seq>', "the dead letter's sequence (baton events tail shows it)", (v) => {
      const n = Number(v);
      if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive whole number');
      return n;
    })
    .requiredOption(
      '--by <username>',
      'the operator: a console user with the operator role, who signs in with this request',
    )
    .option('--password-file <path>', 'a file holding their console password (else BATON_CONSOLE_PASSWORD)')
    .option('--payload-file <event.json>', 'a corrected event to send instead of the stored payload')
    .description('publish a dead-lettered event again after a fix, through the console (operator role)')
    .action(async (seq: number, opts: { by: string; passwordFile?: string; payloadFile?: string }) =>
      console.log(JSON.stringify(await replay(seq, opts), null, 2)),
    );

  const sources = events
    .command('sources')
    .description('who may post to the webhook (the gateway applies a change at once, without a restart)');
  sources
    .command('list')
    .description('every source, without its secrets')
    .action(() =>
      withBus(seedOf, async (bus) => {
        const kv = await sourcesBucket(bus);
        const all: Array<Record<string, unknown>> = [];
        for await (const id of await kv.keys()) {
          const parsed = WebhookSource.safeParse((await kv.get(id))?.json());
          if (!parsed.success) all.push({ id, invalid: true });
          else
            all.push({
              id,
              secrets: parsed.data.secrets.length,
              rateLimit: parsed.data.rateLimit,
              eventTypes: parsed.data.eventTypes,
              revoked: parsed.data.revoked,
            });
        }
        console.log(
          JSON.stringify(
            all.sort((a, b) => String(a.id).localeCompare(String(b.id))),
            null,
            2,
          ),
        );
      }),
    );
  sources
    .command('add')
    .argument('<id>', 'the source id the publisher sends as X-Baton-Source')
    .option(
      '--event-types <types>',
      'the event types it may send, comma-separated, or * for every registered type (default: *)',
      '*',
    )
    .addOption(
      new Option('--rate <n/Ss>', 'at most n requests per S seconds')
        .default({ points: 600, durationS: 60 }, '600/60s')
        .argParser(rateLimit),
    )
    .option('--secret-file <path>', 'write the new secret here (mode 0600) instead of printing it')
    .description('make a new source with a new random secret')
    .action(
      (id: string, opts: { eventTypes?: string; rate: { points: number; durationS: number }; secretFile?: string }) =>
        withBus(seedOf, async (bus) => {
          if (!/^[A-Za-z0-9_-]+$/.test(id))
            throw new EventsCliError('a source id may contain only letters, digits, _ and -');
          const kv = await sourcesBucket(bus);
          const secret = randomBytes(32).toString('base64url');
          const record = WebhookSource.parse({
            secrets: [secret],
            rateLimit: opts.rate,
            eventTypes: (opts.eventTypes ?? '*')
              .split(',')
              .map((t) => t.trim())
              .filter(Boolean),
          });
          try {
            await kv.create(id, JSON.stringify(record));
          } catch {
            throw new EventsCliError(
              `source "${id}" exists: rotate its secret with baton events sources rotate ${id}, or choose another id`,
            );
          }
          console.log(JSON.stringify(handOver(id, secret, opts.secretFile), null, 2));
        }),
    );
  sources
    .command('rotate')
    .argument('<id>')
    .option('--secret-file <path>', 'write the new secret here (mode 0600) instead of printing it')
    .option(
      '--drop-old',
      'remove the old secrets now (default: keep them until the publisher has switched, then rotate again with --drop-old)',
    )
    .description('give a source a new secret; the old one works until dropped, so the publisher switches without a gap')
    .action((id: string, opts: { secretFile?: string; dropOld?: boolean }) =>
      withBus(seedOf, async (bus) => {
        const kv = await sourcesBucket(bus);
        const current = await storedSource(kv, id);
        const secret = randomBytes(32).toString('base64url');
        await kv.put(
          id,
          JSON.stringify({ ...current, secrets: opts.dropOld ? [secret] : [...current.secrets.slice(-1), secret] }),
        );
        console.log(
          JSON.stringify({ ...handOver(id, secret, opts.secretFile), oldSecretsKept: opts.dropOld ? 0 : 1 }, null, 2),
        );
      }),
    );
  sources
    .command('revoke')
    .argument('<id>')
    .option('--undo', 'accept the source again')
    .description('refuse the source with 403 from its next request (it stays, with its secrets, until deleted)')
    .action((id: string, opts: { undo?: boolean }) =>
      withBus(seedOf, async (bus) => {
        const kv = await sourcesBucket(bus);
        const current = await storedSource(kv, id);
        await kv.put(id, JSON.stringify({ ...current, revoked: !opts.undo }));
        console.log(JSON.stringify({ source: id, revoked: !opts.undo }, null, 2));
      }),
    );
}
