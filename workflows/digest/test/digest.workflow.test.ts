// The daily digest's paths as specifications, in-process on Temporal's test server with time
// skipping (@baton/workflow-kit/testing). Each run is started as its Temporal Schedule starts it:
// the declared schedule's workflow and arguments, with the schedule's search attributes
// (TemporalScheduledById, TemporalScheduledStartTime). The firing starts the day's digest as a
// child; its agents (the sources and the sender) are the fakes below.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { noAnswer, testWorkflow, type AgentFakes, type WorkflowHarness } from '@baton/workflow-kit/testing';
import digest, {
  DIGEST_SCHEDULE_ID,
  digestWorkflowId,
  type DigestAgents,
  type DigestFiring,
  type DigestFiringInput,
  type DigestItem,
  type DigestSource,
  type DigestStatus,
} from '../src/index.js';

/** What each source says today; the rates feed repeats a line, as the real one does. */
const FEEDS: Record<DigestSource, DigestItem[]> = {
  bookings: [
    { key: 'res-1', text: '19:00 party of 4', value: 4 },
    { key: 'res-2', text: '20:30 party of 2', value: 2 },
  ],
  weather: [{ key: 'weather:today', text: 'Light rain, 9 °C' }],
  rates: [
    { key: 'rate:ECB', text: 'ECB main refinancing rate: 2.15 %' },
    { key: 'rate:Euribor', text: 'Euribor 3M: 2.04 %' },
    { key: 'rate:ECB', text: 'ECB main refinancing rate: 2.15 % (second publisher)' },
  ],
};

class SourceDown extends Error {
  readonly code = 'SOURCE_UNAVAILABLE';
  readonly retryable = true;
}
class Refused extends Error {
  readonly code = 'RECIPIENT_REFUSED';
  readonly retryable = false;
}

/** The sources answer from FEEDS unless `down` (an error on every attempt) or `silent` (never an
 *  answer); `sent` keeps each digest the sender was given, unless it `refuse`s. */
function agents(
  sent: Array<{ recipient: string; text: string }>,
  options: { down?: DigestSource[]; silent?: DigestSource[]; refuse?: boolean } = {},
): AgentFakes<DigestAgents> {
  return {
    'digest-source': ({ source }) => {
      if (options.down?.includes(source)) throw new SourceDown(`the ${source} service is down`);
      if (options.silent?.includes(source)) return noAnswer();
      return { source, items: FEEDS[source] };
    },
    'digest-send': ({ recipient, text }) => {
      if (options.refuse) throw new Refused(`the messaging provider refuses recipient ${recipient}`);
      sent.push({ recipient, text });
      return { messageId: `msg-${sent.length}` };
    },
  };
}

describe('digest workflow', () => {
  let wf: WorkflowHarness<DigestStatus, DigestAgents>;
  const declared = digest.schedules!.find((s) => s.scheduleId === DIGEST_SCHEDULE_ID)!;
  before(async () => {
    wf = await testWorkflow(digest);
  });
  after(() => wf?.close());

  /** One firing of (a copy of) the declared schedule, for the time `at`; its own schedule id, so
   *  the tests' days never meet. */
  const fire = async (
    digestAgents: AgentFakes<DigestAgents>,
    options: { scheduleId?: string; at?: Date; sourceTimeoutMs?: number } = {},
  ) => {
    const scheduleId = options.scheduleId ?? `${DIGEST_SCHEDULE_ID}-${randomUUID().slice(0, 8)}`;
    const at = options.at ?? (await wf.now());
    const day = at.toISOString().slice(0, 10);
    const digestRun = wf.child<DigestStatus>(digestWorkflowId(scheduleId, day), { agents: digestAgents });
    const args = {
      ...(declared.args[0] as DigestFiringInput),
      ...(options.sourceTimeoutMs ? { sourceTimeoutMs: options.sourceTimeoutMs } : {}),
    };
    const firing = await wf.startWith(args, {
      workflowName: declared.workflowName,
      workflowId: `${scheduleId}-${randomUUID().slice(0, 8)}`,
      scheduled: { scheduleId, at },
    });
    return { scheduleId, day, digestRun, firing: () => firing.handle.result() as Promise<DigestFiring> };
  };

  it('reads every source, removes the repeated line and sends the digest once to the recipient', async () => {
    const sent: Array<{ recipient: string; text: string }> = [];
    const { scheduleId, day, digestRun, firing } = await fire(agents(sent));
    assert.deepEqual(await firing(), { day, digestWorkflowId: `${scheduleId}/${day}`, outcome: 'sent' });
    const status = await digestRun.result();
    assert.equal(status.state, 'Sent');
    assert.deepEqual(status.unavailable, []);
    assert.deepEqual(
      status.sections.map((s) => [s.source, s.items.length]),
      [
        ['bookings', 2],
        ['weather', 1],
        ['rates', 2],
      ],
    );
    assert.equal(status.duplicatesRemoved, 1);
    assert.equal(status.messageId, 'msg-1');
    assert.deepEqual(
      sent.map((m) => m.recipient),
      [(declared.args[0] as { recipient: string }).recipient],
    );
    const text = sent[0]!.text;
    assert.match(text, new RegExp(`^Daily digest for ${day}\n`));
    assert.doesNotMatch(text, /Not available today/);
    assert.match(text, /Bookings: 2 bookings, 6 covers/);
    assert.match(text, /Light rain, 9 °C/);
    assert.equal(text.match(/ECB main refinancing rate/g)?.length, 1, 'a repeated line is sent once');
  });

  it('sends the digest without a source that is down, naming it', async () => {
    const sent: Array<{ recipient: string; text: string }> = [];
    const { digestRun, firing } = await fire(agents(sent, { down: ['weather'] }));
    assert.equal((await firing()).outcome, 'sent');
    const status = await digestRun.result();
    assert.equal(status.state, 'Sent');
    assert.deepEqual(status.unavailable, [{ source: 'weather', reason: 'the weather service is down' }]);
    const weatherTries = digestRun
      .calls('digest-source')
      .filter((c) => (c.input as { source: string }).source === 'weather');
    assert.ok(weatherTries.length > 1, 'the source was tried again within its budget');
    assert.equal(sent.length, 1);
    assert.match(sent[0]!.text, /\nNot available today: Weather \(weather\)\.\n/);
    assert.doesNotMatch(sent[0]!.text, /Light rain/);
    assert.match(sent[0]!.text, /Bookings: 2 bookings, 6 covers/);
  });

  it('goes without a source that never answers once its budget is spent', async () => {
    // A short budget, as a deployment may set (BATON_DIGEST_SOURCE_TIMEOUT_MS): with the default
    // two minutes, a silent agent's timeouts take the harness tens of seconds of real time.
    const sent: Array<{ recipient: string; text: string }> = [];
    const { digestRun, firing } = await fire(agents(sent, { silent: ['rates'] }), { sourceTimeoutMs: 3_000 });
    assert.equal((await firing()).outcome, 'sent');
    const status = await digestRun.result();
    assert.equal(status.state, 'Sent');
    assert.deepEqual(
      status.unavailable.map((u) => u.source),
      ['rates'],
    );
    const rates = status.steps.find((s) => s.stepId === 'source-rates')!;
    assert.equal(
      rates.errorCode,
      'TIMEOUT',
      'the source is given up on when its budget is spent, not for another reason',
    );
    assert.match(sent[0]!.text, /Not available today: Interest rates \(rates\)\./);
    assert.match(sent[0]!.text, /Bookings: 2 bookings/);
  });

  it('sends one digest for a day when the schedule fires twice', async () => {
    const sent: Array<{ recipient: string; text: string }> = [];
    const first = await fire(agents(sent));
    const firstFiring = await first.firing();
    assert.equal(firstFiring.outcome, 'sent');
    const second = await fire(agents(sent), {
      scheduleId: first.scheduleId,
      at: new Date(Date.parse(`${first.day}T07:00:00Z`)),
    });
    assert.deepEqual(await second.firing(), {
      day: first.day,
      digestWorkflowId: firstFiring.digestWorkflowId,
      outcome: 'already-started',
    });
    assert.equal(sent.length, 1, 'one digest sent');
  });

  it('counts a late firing for the day it was due, not the day it ran', async () => {
    const sent: Array<{ recipient: string; text: string }> = [];
    const now = await wf.now();
    const yesterday = new Date(Date.parse(`${now.toISOString().slice(0, 10)}T07:00:00Z`) - 86_400_000);
    const { day, digestRun, firing } = await fire(agents(sent), { at: yesterday });
    assert.equal(day, yesterday.toISOString().slice(0, 10));
    assert.equal((await firing()).day, day);
    assert.equal((await digestRun.result()).day, day);
    assert.match(sent[0]!.text, new RegExp(`^Daily digest for ${day}\n`));
  });

  it('names the day\'s digest after "digest" and today when started by hand, outside any schedule', async () => {
    const sent: Array<{ recipient: string; text: string }> = [];
    const today = (await wf.now()).toISOString().slice(0, 10);
    const digestRun = wf.child<DigestStatus>(digestWorkflowId('digest', today), { agents: agents(sent) });
    const firing = await wf.startWith(declared.args[0], { workflowName: declared.workflowName });
    assert.deepEqual(await firing.handle.result(), {
      day: today,
      digestWorkflowId: `digest/${today}`,
      outcome: 'sent',
    });
    assert.equal((await digestRun.result()).state, 'Sent');
    assert.equal(sent.length, 1);
  });

  it('hands a digest the messaging provider refuses to a person, and ends Failed when they abandon it', async () => {
    const sent: Array<{ recipient: string; text: string }> = [];
    const { digestRun } = await fire(agents(sent, { refuse: true }));
    const stuck = await digestRun.waitFor('Needs attention');
    assert.equal(stuck.gate?.kind, 'attention');
    assert.match(
      (stuck.gate?.payload as { reason?: string } | undefined)?.reason ?? '',
      /the messaging provider refuses recipient/,
    );
    await digestRun.decide('abandon', { role: 'manager', by: 'mia', reason: 'the owner changed phone numbers' });
    const status = await digestRun.result();
    assert.equal(status.state, 'Failed');
    assert.match(status.failure ?? '', /abandoned by mia/);
    assert.equal(status.messageId, undefined);
    assert.deepEqual(sent, []);
  });
});
