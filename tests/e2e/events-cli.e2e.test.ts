// `baton events` on the shared services, run as a person runs it (the CLI as a process): sources
// add / rotate / revoke change who may post at once; send signs as a configured source and says
// what to do when refused; tail prints events and dead letters as they arrive; replay publishes
// a corrected dead letter through the console, for the operator role only.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { validateEvent } from '@baton/gateway';
import {
  consoleUsers,
  postEvent,
  repoRoot,
  reservationEvent,
  seedFileOf,
  signedHeaders,
  stackEnv,
  waitFor,
  ADMIN_IDENTITY,
} from '@baton/testkit';
import { Registry } from '@baton/workflow-kit';
import { startStack, type Stack } from './support.js';

const registry = await Registry.load();
// The built CLI (services/console/dist, built with the services before they start): what an
// operator runs, and three times quicker to start than through tsx.
const CLI = ['services/console/dist/cli.js', 'events'];

const cliEnv = (extra: Record<string, string> = {}) => ({
  ...process.env,
  BATON_NATS_URL: stackEnv().BATON_NATS_URL,
  BATON_NATS_NKEY_SEED_FILE: seedFileOf(ADMIN_IDENTITY),
  BATON_GATEWAY_URL: stackEnv().BATON_GATEWAY_URL,
  BATON_CONSOLE_URL: stackEnv().BATON_CONSOLE_URL,
  ...extra,
});

function baton(
  args: string[],
  extra: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...CLI, ...args],
      { cwd: repoRoot, env: cliEnv(extra), timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({ code: typeof err?.code === 'number' ? err.code : err ? -1 : 0, stdout, stderr }),
    );
  });
}

describe('baton events', () => {
  let stack: Stack;
  let dir: string;
  const id = `cli-${randomBytes(4).toString('hex')}`;
  const started = (workflowId: string) =>
    waitFor(
      `workflow ${workflowId} to start`,
      async () => (await stack.temporal.workflow.getHandle(workflowId).describe()).workflowId,
    );
  /** Until the gateway answers a request signed with `secret` with `status` (it follows the bucket). */
  const gatewayAnswers = (secret: string, status: number) =>
    waitFor(`the gateway to answer ${status} for ${id}`, async () => {
      const body = JSON.stringify(reservationEvent('Table for 2, Monday 7pm'));
      return (await postEvent(body, signedHeaders(body, { source: id, secret }))).status === status ? true : undefined;
    });

  before(async () => {
    stack = await startStack();
    dir = mkdtempSync(join(tmpdir(), 'baton-events-cli-'));
  });
  after(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    await stack?.close();
  });

  it('--help lists every command, and a send without an event says how to give one', async () => {
    const help = await baton(['--help']);
    assert.equal(help.code, 0);
    for (const command of ['send', 'tail', 'replay', 'sources'])
      assert.match(help.stdout, new RegExp(`\\n  ${command} `));
    const sourcesHelp = await baton(['sources', '--help']);
    for (const command of ['add', 'rotate', 'revoke', 'list'])
      assert.match(sourcesHelp.stdout, new RegExp(`\\n  ${command}`));
    const none = await baton(['send'], { BATON_WEBHOOK_SOURCE: 'someone', BATON_WEBHOOK_SECRET: 'x'.repeat(32) });
    assert.equal(none.code, 1);
    assert.match(none.stderr, /give the event: --file <event.json>, or --type <type> --data <json>/);
  });

  it('sources add, send as it (the workflow starts), rotate the secret, revoke: each applies at once, and refusals say what to do', async () => {
    const firstFile = join(dir, 'first.secret');
    const added = await baton(['sources', 'add', id, '--rate', '100/60s', '--secret-file', firstFile]);
    assert.equal(added.code, 0, added.stderr);
    const first = readFileSync(firstFile, 'utf8').trim();
    assert.ok(first.length >= 32);
    const again = await baton(['sources', 'add', id]);
    assert.equal(again.code, 1);
    assert.match(
      again.stderr,
      new RegExp(`source "${id}" exists: rotate its secret with baton events sources rotate ${id}`),
    );
    await gatewayAnswers(first, 202);

    const sent = await baton([
      'send',
      '--source',
      id,
      '--secret-file',
      firstFile,
      '--type',
      'reservation.requested.v1',
      '--data',
      JSON.stringify({ text: 'Table for 2, Friday 7pm', customer: { id: 'cust-cli', name: 'Ada Lovelace' } }),
      '--key',
      `cli-${randomUUID()}`,
    ]);
    assert.equal(sent.code, 0, sent.stderr);
    const answer = JSON.parse(sent.stdout) as { status: number; workflowId: string };
    assert.equal(answer.status, 202);
    await started(answer.workflowId);

    // Rotated with --drop-old: the old secret is refused with advice, the new one works.
    const secondFile = join(dir, 'second.secret');
    const rotated = await baton(['sources', 'rotate', id, '--drop-old', '--secret-file', secondFile]);
    assert.equal(rotated.code, 0, rotated.stderr);
    await gatewayAnswers(first, 401);
    const old = await baton([
      'send',
      '--source',
      id,
      '--secret-file',
      firstFile,
      '--type',
      'reservation.requested.v1',
      '--data',
      '{"text":"x","customer":{"id":"c","name":"n"}}',
    ]);
    assert.equal(old.code, 1);
    assert.match(
      old.stderr,
      /refused the event \(401 BAD_SIGNATURE\).*check --source \/ BATON_WEBHOOK_SOURCE and the secret/,
    );

    const revoked = await baton(['sources', 'revoke', id]);
    assert.deepEqual(JSON.parse(revoked.stdout), { source: id, revoked: true });
    const second = readFileSync(secondFile, 'utf8').trim();
    await gatewayAnswers(second, 403);
    const listed = JSON.parse((await baton(['sources', 'list'])).stdout) as Array<{
      id: string;
      revoked?: boolean;
      secrets?: number;
    }>;
    assert.deepEqual(
      listed.find((s) => s.id === id),
      { id, secrets: 1, rateLimit: { points: 100, durationS: 60 }, eventTypes: ['*'], revoked: true },
    );
    assert.doesNotMatch(JSON.stringify(listed), new RegExp(second), 'no secret is listed');
  });

  it('tail prints events and dead letters as they arrive; replay publishes a corrected dead letter for an operator only', async () => {
    const tail = spawn(process.execPath, [...CLI, 'tail'], { cwd: repoRoot, env: cliEnv() });
    let out = '';
    let err = '';
    tail.stdout.on('data', (c: Buffer) => (out += c.toString()));
    tail.stderr.on('data', (c: Buffer) => (err += c.toString()));
    type Line = { kind: string; seq: number; id?: string; rejectedBy?: string; reason?: string; payload?: string };
    const lines = () =>
      out
        .split('\n')
        .filter((l) => l.endsWith('}'))
        .map((l) => JSON.parse(l) as Line);
    let letter: Line;
    try {
      await waitFor('tail to start', () => (err.includes('baton: tailing') ? true : undefined));
      const valid = reservationEvent('Table for 2, Saturday 1pm');
      assert.equal((await postEvent(valid)).status, 202);
      const broken = reservationEvent('Table for 2, Sunday 1pm') as unknown as Record<string, unknown>;
      delete (broken.data as Record<string, unknown>).customer;
      assert.equal((await postEvent(broken)).status, 400);
      // Both as they arrive (other files' traffic may come between them).
      await waitFor('the event in the tail', () => lines().find((l) => l.kind === 'event' && l.id === valid.id));
      letter = await waitFor('the dead letter in the tail', () =>
        lines().find(
          (l) => l.kind === 'dead-letter' && l.rejectedBy === 'gateway' && l.payload?.includes(String(broken.id)),
        ),
      );
    } finally {
      tail.kill();
    }
    assert.match(letter.reason ?? '', /customer/);

    // Fixed and replayed: by the host, refused (operators only); by the operator, published.
    const fixed = {
      ...JSON.parse(letter.payload!),
      data: {
        ...(JSON.parse(letter.payload!) as { data: object }).data,
        customer: { id: 'cust-replay', name: 'Ada Lovelace' },
      },
    } as Record<string, unknown>;
    const fixedFile = join(dir, 'fixed.json');
    writeFileSync(fixedFile, JSON.stringify(fixed));
    const byHost = await baton(
      ['replay', String(letter.seq), '--by', consoleUsers.host.username, '--payload-file', fixedFile],
      { BATON_CONSOLE_PASSWORD: consoleUsers.host.password },
    );
    assert.equal(byHost.code, 1);
    assert.match(byHost.stderr, /403 FORBIDDEN.*does not have the operator role a dead-letter replay needs/);
    const byOperator = await baton(
      ['replay', String(letter.seq), '--by', consoleUsers.operator.username, '--payload-file', fixedFile],
      { BATON_CONSOLE_PASSWORD: consoleUsers.operator.password },
    );
    assert.equal(byOperator.code, 0, byOperator.stderr);
    assert.equal((JSON.parse(byOperator.stdout) as { replayedBy: string }).replayedBy, consoleUsers.operator.username);
    const expected = validateEvent(registry, fixed);
    assert.ok(expected.ok, 'the fix makes it valid');
    await started(expected.workflowId);
  });
});
