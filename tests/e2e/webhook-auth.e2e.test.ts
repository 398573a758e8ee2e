// test-tier: own-services (it runs a gateway alone)
// Who may post to the webhook, on the real gateway and JetStream: unsigned, wrongly signed,
// altered and stale (replayed) requests get 401, a revoked source 403 from the next request on
// (no restart), a source over its rate limit 429 with Retry-After, each with its reason and
// counted in the gateway's metrics; the test kit's own signed posts keep working throughout.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Kvm } from '@nats-io/kv';
import { buckets } from '@baton/contracts';
import {
  ServiceSet,
  localWebhookCredentials,
  postEvent,
  putWebhookSource,
  reservationEvent,
  scrape,
  signedHeaders,
  sumOf,
  testBus,
  waitFor,
  type WebhookCredentials,
} from '@baton/testkit';

const source = (name: string): WebhookCredentials => ({
  source: `${name}-${randomBytes(4).toString('hex')}`,
  secret: randomBytes(32).toString('base64url'),
});
const bodyOf = (text = 'Table for 2, Monday 7pm') => JSON.stringify(reservationEvent(text));
const postAs = (creds: WebhookCredentials, body = bodyOf(), timestampS?: number) =>
  postEvent(body, signedHeaders(body, creds, timestampS));

describe('webhook publishers', () => {
  let services: ServiceSet;
  before(async () => {
    services = await ServiceSet.start(['gateway']);
  });
  after(async () => {
    await services?.stop();
  });
  const refused = async (refusal: string) =>
    sumOf(await scrape(services.get('gateway').metricsUrl), 'baton_webhook_refused_total', {
      baton_webhook_refusal: refusal,
    });

  it('refuses unsigned, wrongly signed, altered and stale requests with 401 and the reason', async () => {
    const body = bodyOf();
    const unsigned = await postEvent(body, { 'x-baton-source': '', 'x-baton-timestamp': '', 'x-baton-signature': '' });
    assert.equal(unsigned.status, 401);
    assert.equal(unsigned.body.error, 'UNAUTHENTICATED');
    assert.match(String(unsigned.body.reason), /x-baton-signature/);

    const local = localWebhookCredentials();
    const wrongSecret = await postAs({ source: local.source, secret: randomBytes(32).toString('base64url') }, body);
    assert.deepEqual([wrongSecret.status, wrongSecret.body.error], [401, 'BAD_SIGNATURE']);

    const altered = await postEvent(bodyOf('Table for 20, Monday 7pm'), signedHeaders(body, local));
    assert.deepEqual([altered.status, altered.body.error], [401, 'BAD_SIGNATURE'], 'a signature binds the body');

    const unknown = await postAs(source('nobody'), body);
    assert.deepEqual([unknown.status, unknown.body.error], [401, 'UNKNOWN_SOURCE']);

    // A request captured and sent again after the replay window (5 minutes) is refused.
    const stale = await postAs(local, body, Math.floor(Date.now() / 1000) - 600);
    assert.deepEqual([stale.status, stale.body.error], [401, 'STALE_SIGNATURE']);
    assert.match(String(stale.body.reason), /replay window 300 s/);

    const signed = await postAs(local, body);
    assert.equal(signed.status, 202);
    for (const reason of ['UNAUTHENTICATED', 'BAD_SIGNATURE', 'UNKNOWN_SOURCE', 'STALE_SIGNATURE']) {
      assert.ok((await refused(reason)) >= 1, `${reason} is counted`);
    }
  });

  it('revokes a source at run time: 403 from the next request, and a deleted source is unknown', async () => {
    const creds = source('revocable');
    await putWebhookSource(creds.source, { secrets: [creds.secret], eventTypes: ['*'] });
    await waitFor('the gateway to know the new source', async () =>
      (await postAs(creds)).status === 202 ? true : undefined,
    );

    await putWebhookSource(creds.source, { secrets: [creds.secret], eventTypes: ['*'], revoked: true });
    const revoked = await waitFor('the revocation to apply', async () => {
      const answer = await postAs(creds);
      return answer.status === 403 ? answer : undefined;
    });
    assert.equal(revoked.body.error, 'SOURCE_REVOKED');
    assert.match(String(revoked.body.reason), new RegExp(`"${creds.source}" is revoked`));
    assert.ok((await refused('SOURCE_REVOKED')) >= 1);

    const bus = await testBus('webhook-auth-test');
    try {
      await (await new Kvm(bus.js).open(buckets.webhookSources)).delete(creds.source);
    } finally {
      await bus.close();
    }
    const gone = await waitFor('the deletion to apply', async () => {
      const answer = await postAs(creds);
      return answer.status === 401 ? answer : undefined;
    });
    assert.equal(gone.body.error, 'UNKNOWN_SOURCE');
    assert.equal((await postEvent(bodyOf())).status, 202, 'other sources are unaffected');
  });

  it('limits each source to its rate: 429 with Retry-After once it is spent, others unaffected', async () => {
    const creds = source('limited');
    await putWebhookSource(creds.source, {
      secrets: [creds.secret],
      eventTypes: ['*'],
      rateLimit: { points: 3, durationS: 300 },
    });
    // The first accepted request proves the gateway knows the source; it spends one point.
    await waitFor('the gateway to know the new source', async () =>
      (await postAs(creds)).status === 202 ? true : undefined,
    );
    assert.equal((await postAs(creds)).status, 202);
    assert.equal((await postAs(creds)).status, 202);
    const limited = await postAs(creds);
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error, 'RATE_LIMITED');
    assert.match(String(limited.body.reason), /may send 3 requests per 300 s/);
    assert.ok(Number(limited.headers.get('retry-after')) > 0, 'Retry-After says when');
    assert.ok((await refused('RATE_LIMITED')) >= 1);
    assert.equal((await postEvent(bodyOf())).status, 202, 'the local source has its own budget');
  });

  it('refuses an event type the source may not send with 403', async () => {
    const creds = source('typed');
    await putWebhookSource(creds.source, { secrets: [creds.secret], eventTypes: ['pos.order.v1'] });
    const answer = await waitFor('the gateway to know the new source', async () => {
      const a = await postAs(creds);
      return a.status === 401 ? undefined : a;
    });
    assert.equal(answer.status, 403);
    assert.equal(answer.body.error, 'EVENT_TYPE_NOT_ALLOWED');
    assert.match(String(answer.body.reason), /not reservation\.requested\.v1/);
  });
});
