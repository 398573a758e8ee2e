// test-tier: own-services (it stops the orchestrator, cuts the gateway's NATS connection and gives the event claims
// bucket a tiny limit)
// Answers that stay true while a part is down (issue 25, findings 5 and 6): with the orchestrator stopped the console
// inbox lists every open gate and escalation within 2 s, `baton status` answers for a closed workflow from its history
// and names the cause for a running one, and a decision says no orchestrator answers instead of "no workflow";
// escalations are resolved in the console by role. The webhook answers 503 with Retry-After and the reason when the
// event claims bucket is full (never 202 for what it cannot record) and when NATS is unreachable, and a resend that
// starts nothing says duplicate:true.
import assert from 'node:assert/strict';
import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { WorkflowNotFoundError } from '@temporalio/client';
import { ensureTopology, type Bus } from '@baton/bus';
import { STORES } from '@baton/contracts';
import {
  ServiceProcess,
  ServiceSet,
  consoleUsers,
  payloadKeyEnv,
  postEvent,
  repoRoot,
  reservationEvent,
  stackEnv,
  temporalClient,
  testBus,
  waitFor,
} from '@baton/testkit';
import { messaging, startStack, waitForState, type Stack } from './support.js';

/** A browser's worth of HTTP against the console: one cookie jar, redirects not followed. */
class Visitor {
  private cookie = '';
  readonly base = stackEnv().BATON_CONSOLE_URL;

  async request(path: string, form?: Record<string, string>): Promise<Response> {
    const headers: Record<string, string> = this.cookie ? { cookie: this.cookie } : {};
    if (form) Object.assign(headers, { 'content-type': 'application/x-www-form-urlencoded', origin: this.base });
    const response = await fetch(`${this.base}${path}`, {
      method: form ? 'POST' : 'GET',
      headers,
      redirect: 'manual',
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
      signal: AbortSignal.timeout(15_000),
    });
    const set = response.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0]!;
    return response;
  }

  async csrf(path: string): Promise<string> {
    const token = /name="_csrf" value="([^"]+)"/.exec(await (await this.request(path)).text())?.[1];
    assert.ok(token, `${path} carries a CSRF token`);
    return token;
  }

  static async signedIn(user: { username: string; password: string }): Promise<Visitor> {
    const visitor = new Visitor();
    // The sign-in form carries no token (the same-origin check guards it); an anonymous visit
    // writes no session, so the first cookie is the signed-in one.
    const answer = await visitor.request('/login', {
      username: user.username,
      password: user.password,
      next: '/inbox',
    });
    assert.equal(answer.status, 303);
    return visitor;
  }
}

/** Rows of the inbox table: workflow id -> its data-kind. */
function inboxRows(html: string): Map<string, string> {
  return new Map([...html.matchAll(/<tr data-workflow="([^"]+)" data-kind="([^"]+)"/g)].map((m) => [m[1]!, m[2]!]));
}

/** `baton <args>` as an operator runs it (the built CLI, the stack's settings). */
function baton(...args: string[]) {
  const keys = Object.fromEntries(
    Object.entries(payloadKeyEnv()).filter(
      (e): e is [string, string] => typeof e[1] === 'string' && e[0].startsWith('BATON_PAYLOAD_KEY'),
    ),
  );
  return execa('node', ['services/console/dist/cli.js', ...args], {
    cwd: repoRoot,
    reject: false,
    timeout: 60_000,
    env: keys,
  });
}

describe('with the orchestrator stopped', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ workflows: ['reservation'] });
  });
  after(async () => {
    await messaging.clearFaults().catch(() => undefined);
    await stack?.close();
  });

  it('the inbox lists every open gate and escalation within 2 s, status answers from history, decide names the cause', async () => {
    const closedId = String((await postEvent(reservationEvent('Table for 2, Monday 7pm'))).body.workflowId);
    await waitForState(stack, closedId, 'Confirmed');
    // The guest cannot be told: the booking stands and a person is asked to finish by hand.
    await messaging.setFaults({ refuse: ['POST /messages'], refuseCode: 'RECIPIENT_BLOCKED' });
    const escalated = await Promise.all(
      ['Tuesday 7pm', 'Wednesday 8pm'].map(async (when) =>
        String((await postEvent(reservationEvent(`Table for 2, ${when}`))).body.workflowId),
      ),
    );
    const gated = await Promise.all(
      ['peanuts', 'sesame'].map(async (allergen) =>
        String(
          (await postEvent(reservationEvent(`Table for 4, Thursday 7pm, allergic to ${allergen}`))).body.workflowId,
        ),
      ),
    );
    for (const id of escalated)
      assert.ok((await waitForState(stack, id, 'Needs attention')).attention, `${id} escalated`);
    for (const id of gated) await waitForState(stack, id, 'Awaiting approval');

    // With the orchestrator up: escalations are in the inbox, resolved by a role that may.
    const manager = await Visitor.signedIn(consoleUsers.manager);
    const viewer = await Visitor.signedIn(consoleUsers.viewer);
    const up = await waitFor('the inbox to list the four', async () => {
      const rows = inboxRows(await (await manager.request('/inbox')).text());
      return [...escalated, ...gated].every((id) => rows.has(id)) ? rows : undefined;
    });
    assert.deepEqual(
      [...escalated, ...gated].map((id) => up.get(id)),
      ['escalation', 'escalation', 'gate', 'gate'],
    );
    const refused = await viewer.request(`/escalations/${encodeURIComponent(escalated[0]!)}/resolve`, {
      _csrf: await viewer.csrf('/inbox'),
      note: 'called the guest',
    });
    assert.equal(refused.status, 403, 'a viewer may not resolve');
    const resolved = await manager.request(`/escalations/${encodeURIComponent(escalated[0]!)}/resolve`, {
      _csrf: await manager.csrf('/inbox'),
      note: 'called the guest',
    });
    assert.equal(resolved.status, 303);
    assert.match(decodeURIComponent(resolved.headers.get('location') ?? ''), /ok=Resolved/);
    const done = await waitFor('the resolved workflow to close', async () => {
      const d = await stack.temporal.workflow.getHandle(escalated[0]!).describe();
      return d.status.name === 'RUNNING' ? undefined : d;
    });
    assert.equal(done.status.name, 'COMPLETED');
    const stillOpen = [escalated[1]!, ...gated];
    await waitFor('visibility to drop the resolved one', async () =>
      inboxRows(await (await manager.request('/inbox')).text()).has(escalated[0]!) ? undefined : true,
    );

    await stack.services.get('orchestrator').stop();

    // The inbox: every open gate and escalation, from visibility, within 2 s, saying why details are missing.
    const started = Date.now();
    const page = await (await manager.request('/inbox')).text();
    const elapsedMs = Date.now() - started;
    assert.ok(elapsedMs < 2_000, `the inbox answered in ${elapsedMs} ms`);
    const down = inboxRows(page);
    for (const id of stillOpen) assert.equal(down.get(id), 'unanswered', `${id} listed while the orchestrator is down`);
    assert.match(page, /id="orchestrator-down">No orchestrator answers/);
    assert.doesNotMatch(page, /nothing waits for a person/);

    // `baton pending` reads the same from visibility.
    const pending = await baton('pending');
    assert.equal(pending.exitCode, 0, pending.stderr);
    const listed = JSON.parse(pending.stdout) as Array<{ workflowId: string; state: string }>;
    for (const id of stillOpen)
      assert.ok(
        listed.some((w) => w.workflowId === id),
        `baton pending lists ${id}`,
      );

    // `baton status`: a closed workflow from its history; a running one names the cause, quickly.
    let t = Date.now();
    const closed = await baton('status', closedId);
    assert.equal(closed.exitCode, 0, closed.stderr);
    const outcome = JSON.parse(closed.stdout) as {
      closed: { status: string };
      state: string;
      result: { state: string; booking?: unknown };
    };
    assert.equal(outcome.closed.status, 'COMPLETED');
    assert.equal(outcome.state, 'Confirmed');
    assert.ok(outcome.result.booking, 'the final status, as the workflow returned it');
    const closedMs = Date.now() - t;
    t = Date.now();
    const running = await baton('status', gated[0]!);
    const runningMs = Date.now() - t;
    assert.notEqual(running.exitCode, 0);
    assert.match(
      running.stderr,
      /exists and is running \(state "Awaiting approval"\), but no orchestrator answered within 3 s/,
    );
    // The CLI itself takes seconds to start on a busy machine; the query gives up after 3 s, not 30.
    assert.ok(runningMs < 15_000, `baton status of a running workflow gave up after ${runningMs} ms`);

    // `baton decide` through the console: the cause, not "no workflow".
    const decided = await execa(
      'node',
      [
        'services/console/dist/cli.js',
        'decide',
        gated[0]!,
        'approve',
        '--by',
        consoleUsers.manager.username,
        '--reason',
        'kitchen briefed',
      ],
      {
        cwd: repoRoot,
        reject: false,
        timeout: 60_000,
        env: { BATON_CONSOLE_URL: stackEnv().BATON_CONSOLE_URL, BATON_CONSOLE_PASSWORD: consoleUsers.manager.password },
      },
    );
    assert.notEqual(decided.exitCode, 0);
    assert.match(decided.stderr, /503 ORCHESTRATOR_UNAVAILABLE\).*no orchestrator answered/);
    assert.doesNotMatch(decided.stderr, /NOT_FOUND/);
    console.log(`inbox ${elapsedMs} ms; baton status closed ${closedMs} ms, running ${runningMs} ms`);
  });
});

/** A TCP relay to NATS that the test can cut (every connection dropped, new ones refused) and restore. */
async function natsRelay(
  target: string,
): Promise<{ url: string; cut(): void; restore(): void; close(): Promise<void> }> {
  const { hostname, port } = new URL(target.split(',')[0]!);
  const sockets = new Set<Socket>();
  let down = false;
  const server: Server = createServer((client) => {
    if (down) return client.destroy();
    const upstream = tcpConnect(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `nats://127.0.0.1:${address.port}`,
    cut: () => {
      down = true;
      for (const s of sockets) s.destroy();
    },
    restore: () => {
      down = false;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('the webhook when it cannot store', () => {
  let bus: Bus;
  let orchestrator: ServiceSet;
  let gateway: ServiceProcess;
  let relay: Awaited<ReturnType<typeof natsRelay>>;
  let temporal: Awaited<ReturnType<typeof temporalClient>>;
  const started: string[] = [];
  let firstAccepted: { event: ReturnType<typeof reservationEvent>; workflowId: string } | undefined;
  before(async () => {
    bus = await testBus('parts-down');
    temporal = await temporalClient();
    // Room for about three more claims (each a create and its started mark) than the bucket holds now.
    const claims = (await bus.jsm.streams.info(STORES.eventClaims.stream)).state;
    const perEntry = claims.messages > 0 ? Math.ceil(claims.bytes / claims.messages) : 400;
    const limit = claims.bytes + 7 * perEntry;
    orchestrator = await ServiceSet.start(['orchestrator'], { env: { BATON_EVENT_CLAIMS_MAX_BYTES: String(limit) } });
    await waitFor('the orchestrator to apply the claims limit', async () =>
      (await bus.jsm.streams.info(STORES.eventClaims.stream)).config.max_bytes === limit ? true : undefined,
    );
    relay = await natsRelay(stackEnv().BATON_NATS_URL);
    gateway = await new ServiceProcess('gateway', { env: { BATON_NATS_URL: relay.url } }).start();
  });
  after(async () => {
    await gateway?.stop();
    await orchestrator?.stop();
    await relay?.close();
    // Back to the configured limits (raising a limit is always applied), and nothing left running.
    await ensureTopology(bus);
    await Promise.all(
      started.map((id) =>
        temporal.workflow
          .getHandle(id)
          .terminate('test over')
          .catch(() => undefined),
      ),
    );
    await temporal?.close();
    await bus?.close();
  });

  it('answers 503 STORAGE_FULL with Retry-After once the claims bucket is full, and every 202 started its workflow', async () => {
    const accepted: Array<{ event: ReturnType<typeof reservationEvent>; workflowId: string }> = [];
    let refusal: Awaited<ReturnType<typeof postEvent>> | undefined;
    for (let i = 0; i < 12 && !refusal; i++) {
      const event = reservationEvent(`Table for 2, Friday ${i + 1}pm`);
      const answer = await postEvent(event);
      if (answer.status === 202) {
        accepted.push({ event, workflowId: String(answer.body.workflowId) });
        started.push(String(answer.body.workflowId));
      } else refusal = answer;
    }
    assert.ok(accepted.length >= 1, 'the bucket had room for some');
    firstAccepted = accepted[0];
    assert.ok(refusal, `a refusal within 12 requests (${accepted.length} accepted)`);
    assert.equal(refusal.status, 503);
    assert.equal(refusal.body.error, 'STORAGE_FULL');
    assert.match(
      String(refusal.body.reason),
      /event claims bucket KV_baton_event_claims is full.*nothing was recorded/,
    );
    assert.equal(refusal.headers.get('retry-after'), '60');
    // Every event answered 202 was recorded: its workflow started.
    for (const { workflowId } of accepted) {
      await waitFor(`${workflowId} to start`, async () => {
        try {
          return await temporal.workflow.getHandle(workflowId).describe();
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) return undefined;
          throw err;
        }
      });
    }
    // The fill is reported for the 80 % alert, as the server counts it. (The guard refuses when the
    // next claim would not fit, which in a bucket this small is well before 80 %.)
    const reported = await waitFor("the orchestrator to report the claims bucket's fill", async () => {
      const text = await (await fetch(orchestrator.get('orchestrator').metricsUrl)).text();
      const value = Number(
        /baton_storage_used_ratio\{[^}]*baton_store="eventClaims"[^}]*\} ([\d.e+-]+)/.exec(text)?.[1] ?? 'NaN',
      );
      const info = await bus.jsm.streams.info(STORES.eventClaims.stream);
      return Math.abs(value - info.state.bytes / info.config.max_bytes) < 0.01 ? value : undefined;
    });
    assert.ok(reported > 0.3, `the claims bucket is ${Math.round(reported * 100)} % full`);

    // A resend of an accepted request under a new envelope starts nothing and says so (and needs no room).
    const first = accepted[0]!.event;
    const resend = await postEvent({ ...first, id: `${first.id}-resent` });
    assert.equal(resend.status, 202);
    assert.equal(resend.body.duplicate, true);
    assert.equal(resend.body.workflowId, accepted[0]!.workflowId);
  });

  it('answers 503 STORAGE_UNREACHABLE with Retry-After while NATS is unreachable, and accepts again once it is back', async () => {
    const event = reservationEvent('Table for 2, Saturday 6pm');
    relay.cut();
    // Once the gateway has seen the connection drop, it refuses at once (no request waits for NATS).
    let tookMs = 0;
    const answer = await waitFor('the gateway to refuse at once while NATS is gone', async () => {
      const t = Date.now();
      const a = await postEvent(event);
      tookMs = Date.now() - t;
      return a.status === 503 && tookMs < 1_000 ? a : undefined;
    });
    assert.equal(answer.body.error, 'STORAGE_UNREACHABLE');
    assert.match(String(answer.body.reason), /NATS.*nothing was recorded/);
    assert.equal(answer.headers.get('retry-after'), '5');
    console.log(`503 while NATS is gone answered in ${tookMs} ms`);
    relay.restore();
    // Back: the claims bucket is still full, so what it accepts is a request already claimed.
    const first = firstAccepted!;
    const again = await waitFor('the gateway to reconnect', async () => {
      const a = await postEvent({ ...first.event, id: `${first.event.id}-after-outage` });
      return a.status === 202 ? a : undefined;
    });
    assert.equal(again.body.duplicate, true);
    assert.equal(again.body.workflowId, first.workflowId);
  });
});
