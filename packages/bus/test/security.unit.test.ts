// The pure parts of NATS least privilege: what each identity may do, the server's authorization
// block, task seals, and what dead letters and configuration errors never keep or show.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nkeys } from '@nats-io/transport-node';
import { BaseServiceConfig, ConfigError, loadConfig } from '@baton/contracts';
import { inboxPrefixOf, natsAuthorizationConfig, permissionsOf } from '../src/permissions.js';
import { sealMatches, sealTask } from '../src/seal.js';
import { REDACTED, scrubHeaders, scrubPayload } from '../src/dead-letter.js';

describe('identities and permissions', () => {
  const agent = permissionsOf({ kind: 'agent', name: 'agent-safety', agent: 'safety' });

  it('gives an agent its own task consumer, result and dead-letter subjects, ledger keys and inbox, and nothing of another agent', () => {
    for (const subject of [
      'baton.result.safety',
      'baton.dlq.safety',
      '$JS.API.CONSUMER.MSG.NEXT.BATON_TASKS.agent-safety',
      '$JS.ACK.BATON_TASKS.agent-safety.>',
      '$KV.baton_ledger.safety.>',
    ]) {
      assert.ok(agent.publish.includes(subject), subject);
    }
    assert.ok(
      agent.publish.includes('$JS.API.CONSUMER.CREATE.BATON_TASKS.agent-safety.baton.task.safety'),
      'its consumer only with its own subject as the filter',
    );
    assert.deepEqual(agent.subscribe, [`${inboxPrefixOf('agent-safety')}.>`]);
    const everything = [...agent.publish, ...agent.subscribe];
    for (const forbidden of [
      'baton.events',
      'baton.task.',
      'baton.notices',
      'baton.result.>',
      '$KV.baton_trust',
      '$JS.API.STREAM.MSG.GET.BATON_TASKS',
      '$JS.API.STREAM.CREATE',
      '$JS.API.STREAM.DELETE',
      '_INBOX.>',
    ]) {
      assert.ok(!everything.some((s) => s.startsWith(forbidden)), `an agent may not ${forbidden}`);
    }
  });

  it('lets only the orchestrator and the admin create streams, and only the gateway and the console publish events', () => {
    const kinds = ['gateway', 'orchestrator', 'console'] as const;
    const of = Object.fromEntries(kinds.map((k) => [k, permissionsOf({ kind: k, name: k })]));
    assert.ok(of.orchestrator!.publish.some((s) => s.startsWith('$JS.API.STREAM.CREATE.')));
    // Nobody but the orchestrator creates or updates a stream, buckets included (a stream's
    // `sources` would copy any other stream), and even the orchestrator may not update the audit stream.
    const manages = (p: { publish: string[] }) =>
      p.publish.filter((s) => /^\$JS\.API\.STREAM\.(CREATE|UPDATE|PURGE|DELETE)\./.test(s));
    assert.deepEqual(manages(of.gateway!), []);
    assert.deepEqual(manages(of.console!), []);
    assert.ok(of.orchestrator!.publish.includes('$JS.API.STREAM.CREATE.BATON_AUDIT'));
    assert.ok(
      !of.orchestrator!.publish.includes('$JS.API.STREAM.UPDATE.BATON_AUDIT'),
      'only an admin changes the audit limits',
    );
    assert.ok(
      of.orchestrator!.publish.includes('$JS.API.STREAM.CREATE.KV_baton_console_sessions'),
      'the orchestrator makes every bucket',
    );
    // Each publishes audit records under its own name only.
    assert.ok(
      of.orchestrator!.publish.includes('baton.audit.orchestrator.>') &&
        !of.orchestrator!.publish.includes('baton.audit.>'),
    );
    assert.ok(of.console!.publish.includes('baton.audit.console.>'));
    assert.ok(of.gateway!.publish.includes('baton.events.>') && of.console!.publish.includes('baton.events.>'));
    assert.ok(!of.orchestrator!.publish.includes('baton.events.>'));
    assert.ok(
      !of.console!.publish.some((s) => s.startsWith('$KV.baton_trust')),
      'the console reads trust, never writes it',
    );
    assert.deepEqual(permissionsOf({ kind: 'admin', name: 'admin' }), { publish: ['>'], subscribe: ['>'] });
  });

  it('adds the buckets a service declares to its kind, and nothing else', () => {
    const resolver = permissionsOf({
      kind: 'agent',
      name: 'agent-resolver',
      agent: 'resolver',
      kv: [{ bucket: 'baton_leases', write: true }],
    });
    for (const subject of [
      '$KV.baton_leases.>',
      '$JS.API.DIRECT.GET.KV_baton_leases.$KV.baton_leases.>',
      'baton.result.resolver',
      'baton.audit.agent-resolver.tool.>',
    ]) {
      assert.ok(resolver.publish.includes(subject), subject);
    }
    assert.deepEqual(
      resolver.publish.filter((s) => /^\$JS\.API\.STREAM\.(CREATE|UPDATE|PURGE|DELETE)\./.test(s)),
      [],
      'an agent never creates, updates or purges a stream: not its bucket, not the artifacts',
    );
    const reader = permissionsOf({
      kind: 'agent',
      name: 'agent-intake',
      agent: 'intake',
      kv: [{ bucket: 'baton_corrections', list: true }],
    });
    assert.ok(reader.publish.includes('$JS.API.CONSUMER.CREATE.KV_baton_corrections.>'), 'it may watch the bucket');
    assert.ok(!reader.publish.includes('$KV.baton_corrections.>'), 'declared without write: read only');
    assert.ok(
      !agent.publish.some((s) => s.includes('baton_leases') || s.includes('baton_corrections')),
      'an agent that declares nothing gets no bucket of another',
    );
  });

  it("lets a NATS publisher of events publish only its own types, on its own subject, and read only its own workflows' progress", () => {
    const pos = permissionsOf({
      kind: 'publisher',
      name: 'publisher-pos',
      publisher: 'pos',
      eventTypes: ['pos.order.v1'],
    });
    assert.deepEqual(
      pos.publish.filter((s) => !s.includes('BATON_PROGRESS')),
      ['$JS.API.INFO', 'baton.events.from.pos.pos.order.v1'],
    );
    // Its progress: a consumer whose filter (in the create subject) lies under its own subjects.
    assert.deepEqual(
      pos.publish.filter((s) => s.startsWith('$JS.API.CONSUMER.CREATE.')),
      ['$JS.API.CONSUMER.CREATE.BATON_PROGRESS.*.baton.progress.nats.pos.>'],
    );
    assert.deepEqual(pos.subscribe, ['_INBOX.publisher-pos.>', 'baton.progress.nats.pos.>']);
    assert.ok(!pos.publish.some((s) => s.startsWith('baton.progress')), 'it never publishes progress');
  });

  it('renders an authorization block of public keys only', () => {
    const user = nkeys.createUser();
    const text = natsAuthorizationConfig([
      { identity: { kind: 'agent', name: 'agent-safety', agent: 'safety' }, nkey: user.getPublicKey() },
    ]);
    assert.match(text, new RegExp(`nkey: "${user.getPublicKey()}"`));
    assert.ok(!text.includes(new TextDecoder().decode(user.getSeed())), 'no seed in the server config');
    assert.match(text, /subscribe: \{ allow: \["_INBOX\.agent-safety\.>"\] \}/);
    // A service host connects dozens of services at once: 2 s (the server's default) was missed under load.
    assert.match(text, /^authorization \{\n  timeout: 10\n/);
  });
});

describe('task seals', () => {
  const key = 'k'.repeat(32);
  const task = { agent: 'safety', kind: 'run', taskId: 'wf/run/safety/1', taskToken: 'dG9rZW4=' };
  it('match only the agent, kind, task and token they were made for, under the same key', () => {
    const seal = sealTask(key, task);
    assert.ok(sealMatches(key, task, seal));
    for (const other of [
      { ...task, agent: 'intake' },
      { ...task, kind: 'compensate' },
      { ...task, taskId: 'wf/run/safety/2' },
      { ...task, taskToken: 'b3RoZXI=' },
    ])
      assert.ok(!sealMatches(key, other, seal));
    assert.ok(!sealMatches('x'.repeat(32), task, seal));
    assert.ok(!sealMatches(key, task, undefined));
  });
});

describe('what dead letters and configuration errors never keep', () => {
  it('redacts task tokens, seals, credentials and Authorization headers, and keeps everything else as it came', () => {
    const payload = JSON.stringify({
      taskToken: 'secret-token',
      seal: 's',
      input: { text: 'a table', headers: { authorization: 'Bearer b' } },
    });
    const scrubbed = JSON.parse(scrubPayload(payload)) as Record<string, unknown>;
    assert.deepEqual(scrubbed, {
      taskToken: REDACTED,
      seal: REDACTED,
      input: { text: 'a table', headers: { authorization: REDACTED } },
    });
    assert.equal(scrubPayload('{ "a": 1 }'), '{ "a": 1 }', 'nothing to redact: the text unchanged');
    assert.equal(scrubPayload('not json, "taskToken": "abc"'), `not json, "taskToken": "${REDACTED}"`);
    assert.deepEqual(scrubHeaders({ Authorization: 'Bearer x', Cookie: 'sid=1', traceparent: 't' }), {
      Authorization: REDACTED,
      Cookie: REDACTED,
      traceparent: 't',
    });
  });

  it('names a bad nkey seed without showing it', () => {
    const bad = 'SUnot-a-real-seed-but-a-secret';
    assert.throws(
      () => loadConfig(BaseServiceConfig, { BATON_NATS_NKEY_SEED: bad }),
      (err) =>
        err instanceof ConfigError &&
        /BATON_NATS_NKEY_SEED=\(\d+ characters, not shown\)/.test(err.message) &&
        !err.message.includes(bad),
    );
    assert.throws(
      () => loadConfig(BaseServiceConfig, { BATON_NATS_NKEY_SEED_FILE: '/nonexistent/seed.nk' }),
      /BATON_NATS_NKEY_SEED_FILE=.*cannot be read \(ENOENT\)/,
    );
  });
});
