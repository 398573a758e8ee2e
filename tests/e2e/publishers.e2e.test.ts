// The publishers in other languages (examples/publishers: Python with the standard library only,
// Go with the official NATS client) run as real processes against the shared services, exactly as
// an integrator would run them: each signs and posts an event (202, and its workflow starts),
// publishes one over NATS as an nkey identity with Nats-Msg-Id (its workflow starts; the same
// message again is a duplicate), never retries a 409 and waits out a 429 as the documents say.
// The gateway serves the generated documents, and the Python validator given the AsyncAPI
// document's payload schemas agrees with the gateway on the fuzz corpus.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { inboxPrefixOf } from '@baton/bus';
import { WebhookAccepted, WebhookRefusal, eventSources } from '@baton/contracts';
import { validateEvent, validateSignalEvent } from '@baton/gateway';
import {
  postEvent,
  putWebhookSource,
  repoRoot,
  seedFileOf,
  signedHeaders,
  stackEnv,
  todayUtc,
  waitFor,
  type WebhookCredentials,
} from '@baton/testkit';
import { Registry } from '@baton/workflow-kit';
import { anyJson, mutatedEvent } from './fuzz-corpus.js';
import { startStack, type Stack } from './support.js';

const registry = await Registry.load();
const PYTHON_DIR = join(repoRoot, 'examples', 'publishers', 'python');
const GO_DIR = join(repoRoot, 'examples', 'publishers', 'go');
// The NATS identity the publishers connect as: one of those the local stack makes today that may
// publish events (the console's, which replays dead letters), given to them as a seed file.
const NATS_IDENTITY = 'console';

interface Run {
  code: number;
  out: Record<string, unknown>;
  stderr: string;
}

function run(command: string, args: string[], env: Record<string, string>, cwd = repoRoot): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env: { ...process.env, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number')
        return reject(new Error(`${command} ${args.join(' ')}: ${err.message}\n${stderr}`));
      const last = stdout.trim().split('\n').at(-1) ?? '';
      try {
        resolve({
          code: typeof err?.code === 'number' ? err.code : 0,
          out: JSON.parse(last) as Record<string, unknown>,
          stderr,
        });
      } catch {
        reject(
          new Error(
            `${command} ${args.join(' ')} printed no JSON (exit ${String(err?.code ?? 0)}): ${stdout}\n${stderr}`,
          ),
        );
      }
    });
  });
}

const reservation = (text: string, key = `pub-${randomUUID()}`) => ({
  id: randomUUID(),
  source: 'urn:example:pos',
  specversion: '1.0',
  type: 'reservation.requested.v2',
  time: new Date().toISOString(),
  datacontenttype: 'application/json',
  idempotencykey: key,
  data: {
    text,
    customer: { id: `cust-${key.slice(4, 12)}`, name: 'Ada Lovelace' },
    receivedOn: todayUtc(),
    partySize: 2,
    date: null,
    time: '19:00',
  },
});

describe('publishers in other languages', () => {
  let stack: Stack;
  let dir: string;
  const creds: WebhookCredentials = {
    source: `publishers-${randomBytes(4).toString('hex')}`,
    secret: randomBytes(32).toString('base64url'),
  };
  const env = (credentials: WebhookCredentials = creds) => ({
    BATON_GATEWAY_URL: stackEnv().BATON_GATEWAY_URL,
    BATON_WEBHOOK_SOURCE: credentials.source,
    BATON_WEBHOOK_SECRET: credentials.secret,
    BATON_NATS_URL: stackEnv().BATON_NATS_URL,
    BATON_NATS_NKEY_SEED_FILE: seedFileOf(NATS_IDENTITY),
    BATON_NATS_INBOX_PREFIX: inboxPrefixOf(NATS_IDENTITY),
  });
  const eventFile = (event: unknown) => {
    const file = join(dir, `${randomUUID()}.json`);
    writeFileSync(file, JSON.stringify(event));
    return file;
  };
  const started = (workflowId: string) =>
    waitFor(
      `workflow ${workflowId} to start`,
      async () => (await stack.temporal.workflow.getHandle(workflowId).describe()).workflowId,
    );
  /** Until the gateway's watch of the sources bucket has the new source. */
  const known = (credentials: WebhookCredentials) =>
    waitFor(`the gateway to know source ${credentials.source}`, async () => {
      const body = JSON.stringify(reservation('Table for 2, Monday 7pm'));
      return (await postEvent(body, signedHeaders(body, credentials))).status === 202 ? true : undefined;
    });

  before(async () => {
    stack = await startStack();
    dir = mkdtempSync(join(tmpdir(), 'baton-publishers-'));
    await putWebhookSource(creds.source, {
      secrets: [creds.secret],
      rateLimit: { points: 10_000, durationS: 60 },
      eventTypes: ['*'],
    });
    const build = await new Promise<string>((resolve, reject) =>
      execFile('go', ['build', '-o', 'bin/publisher', '.'], { cwd: GO_DIR, timeout: 300_000 }, (err, _out, stderr) =>
        err ? reject(new Error(`go build: ${stderr}`)) : resolve(stderr),
      ),
    );
    assert.equal(build, '', 'the Go publisher builds cleanly');
    await known(creds);
  });
  after(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    await stack?.close();
  });

  it('the gateway serves the AsyncAPI and OpenAPI documents and the reference page that npm run schemas wrote', async () => {
    const api = join(repoRoot, 'packages', 'contracts', 'api');
    for (const name of ['asyncapi.json', 'openapi.json']) {
      const response = await fetch(`${stackEnv().BATON_GATEWAY_URL}/${name}`);
      assert.equal(response.status, 200);
      assert.deepEqual(
        await response.json(),
        JSON.parse(readFileSync(join(api, name), 'utf8')),
        `/${name} is the committed document`,
      );
    }
    const page = await fetch(`${stackEnv().BATON_GATEWAY_URL}/reference`);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(await page.text(), readFileSync(join(api, 'reference.html'), 'utf8'));
  });

  const publishers = [
    { name: 'Python', command: () => ['python3', [join(PYTHON_DIR, 'baton_publisher.py')]] as const },
    { name: 'Go', command: () => [join(GO_DIR, 'bin', 'publisher'), []] as const },
  ];
  for (const publisher of publishers) {
    const publish = (mode: 'http' | 'nats', file: string, credentials?: WebhookCredentials) => {
      const [command, args] = publisher.command();
      return run(command, [...args, mode, file], env(credentials));
    };

    describe(`in ${publisher.name}`, () => {
      it('signs and posts an event (202, its workflow starts), and never retries a 409 for the same key with other content', async () => {
        const event = reservation(`Table for 2, Friday 7pm (${publisher.name}, HTTP)`);
        const sent = await publish('http', eventFile(event));
        assert.equal(sent.code, 0, sent.stderr);
        const accepted = WebhookAccepted.parse(sent.out);
        // Over the webhook the source is the signing source's, whatever the body says.
        const expected = validateEvent(registry, { ...event, source: eventSources.webhook(creds.source) });
        assert.ok(expected.ok);
        assert.equal(accepted.workflowId, expected.workflowId);
        assert.equal(await started(accepted.workflowId), expected.workflowId);

        const conflicting = { ...reservation(`Table for 9, Sunday 1pm (${publisher.name})`, event.idempotencykey) };
        const refused = await publish('http', eventFile(conflicting));
        assert.equal(refused.code, 3, `exit 3 on a conflict: ${JSON.stringify(refused.out)}`);
        assert.equal(refused.out.status, 409);
        assert.equal(WebhookRefusal.parse(refused.out).error, 'IDEMPOTENCY_CONFLICT');
        assert.equal(refused.out.workflowId, expected.workflowId);
        assert.doesNotMatch(refused.stderr, /sending again/, 'a 409 is not retried');
      });

      it('publishes over NATS as an nkey identity with Nats-Msg-Id: the workflow starts, and the same message again is a duplicate', async () => {
        const event = reservation(`Table for 3, Saturday 8pm (${publisher.name}, NATS)`);
        const file = eventFile(event);
        const first = await publish('nats', file);
        assert.equal(first.code, 0, first.stderr);
        assert.equal(first.out.stream, 'BATON_EVENTS');
        assert.equal(first.out.subject, 'baton.events.reservation.requested.v2');
        assert.equal(first.out.duplicate, false);
        const expected = validateEvent(registry, event);
        assert.ok(expected.ok);
        await started(expected.workflowId);
        const again = await publish('nats', file);
        assert.equal(again.code, 0, again.stderr);
        assert.deepEqual(
          [again.out.duplicate, again.out.seq],
          [true, first.out.seq],
          'JetStream dropped the second by its Nats-Msg-Id',
        );
      });

      it('waits out a 429 for the Retry-After it is given, then sends the event again', async () => {
        const limited: WebhookCredentials = {
          source: `limited-${randomBytes(4).toString('hex')}`,
          secret: randomBytes(32).toString('base64url'),
        };
        await putWebhookSource(limited.source, {
          secrets: [limited.secret],
          rateLimit: { points: 1, durationS: 5 },
          eventTypes: ['*'],
        });
        await known(limited); // spends the one request of this window
        const sent = await publish(
          'http',
          eventFile(reservation(`Table for 4, Tuesday 6pm (${publisher.name}, limited)`)),
          limited,
        );
        assert.equal(sent.code, 0, sent.stderr);
        assert.match(sent.stderr, /gateway answered 429 .*sending again in [1-5] s/);
        assert.equal(sent.out.attempts, 2);
        WebhookAccepted.parse(sent.out);
      });
    });
  }

  it('the Python validator, given the AsyncAPI payload schemas, agrees with the gateway on the fuzz corpus', async () => {
    // The corpus as it travels: JSON text (a value JSON cannot carry is not an event anyone sends).
    const values = [
      ...fc.sample(anyJson, { seed: 31, numRuns: 600 }),
      ...fc.sample(mutatedEvent, { seed: 32, numRuns: 1500 }),
    ];
    const lines = values.map((v) => JSON.stringify(v)).filter((t): t is string => t !== undefined && !t.includes('\n'));
    const verdicts = await new Promise<Array<{ valid: boolean; reason?: string }>>((resolve, reject) => {
      const child = execFile(
        'python3',
        [join(PYTHON_DIR, 'validate_event.py'), join(repoRoot, 'packages', 'contracts', 'api', 'asyncapi.json')],
        { maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) =>
          err
            ? reject(new Error(`validate_event.py: ${stderr}`))
            : resolve(
                stdout
                  .trim()
                  .split('\n')
                  .map((l) => JSON.parse(l) as { valid: boolean }),
              ),
      );
      child.stdin!.end(`${lines.join('\n')}\n`);
    });
    assert.equal(verdicts.length, lines.length);
    const gateway = lines.map((text) => {
      const value: unknown = JSON.parse(text);
      return (validateSignalEvent(registry, value) ?? validateEvent(registry, value)).ok;
    });
    const disagreements = lines.flatMap((text, i) =>
      gateway[i] === verdicts[i]!.valid
        ? []
        : [
            `gateway ${gateway[i] ? 'accepts' : 'refuses'}, Python ${verdicts[i]!.valid ? 'accepts' : `refuses (${verdicts[i]!.reason})`}: ${text.slice(0, 200)}`,
          ],
    );
    assert.deepEqual(disagreements, []);
    const validCount = gateway.filter(Boolean).length;
    assert.ok(
      validCount >= 50 && lines.length - validCount >= 50,
      `both kinds in the corpus: ${validCount} valid of ${lines.length}`,
    );
    // And the real webhook answers as the validation it runs: a sample of each kind, posted.
    const sample = [...lines.keys()]
      .filter((i) => gateway[i])
      .slice(0, 8)
      .concat([...lines.keys()].filter((i) => !gateway[i]).slice(0, 8));
    for (const i of sample) {
      const answer = await postEvent(lines[i]!);
      assert.equal(
        answer.status === 400 ? false : [202, 409].includes(answer.status) ? true : undefined,
        verdicts[i]!.valid,
        `webhook ${answer.status} for ${lines[i]!.slice(0, 200)}`,
      );
    }
  });
});
