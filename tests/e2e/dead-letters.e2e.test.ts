// The dead-letter path under the deepest body the webhook's size limit allows, on the real stack:
// over HTTP it is refused with 400 and a reason, over NATS (raw bytes on an event subject) the
// gateway's consumer dead-letters it on its first delivery; each is exactly one dead letter, and
// no redelivery follows (the consumer's acknowledgement floor says the message is done, not a
// sleep). Every check is about this file's own messages, so it can share services with others.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { ADVISORY_STREAM, MAX_JSON_DEPTH, readStream } from '@baton/bus';
import { consumers, streams, subjects } from '@baton/contracts';
import { deadLetters, getJson, postEvent, stackEnv, waitFor } from '@baton/testkit';
import { startStack, type Stack } from './support.js';

/** The webhook's body limit (services/gateway/src/http.ts). */
const BODY_LIMIT = 256 * 1024;
/** Arrays nested as deep as the limit allows: 131k levels. */
const deepest = (marker: string) => {
  const depth = Math.floor((BODY_LIMIT - marker.length - 2) / 2);
  return `${'['.repeat(depth)}"${marker}"${']'.repeat(depth)}`;
};

describe('dead letters of bodies nested as deep as the size limit allows', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ workflows: ['reservation'] });
  });
  after(async () => {
    await stack?.close();
  });

  it('over HTTP: 400 with the reason, and exactly one dead letter keeping the body', async () => {
    const body = deepest(`http-${randomUUID()}`);
    assert.ok(Buffer.byteLength(body) <= BODY_LIMIT && Buffer.byteLength(body) > BODY_LIMIT - 64);
    const answer = await postEvent(body);
    assert.equal(answer.status, 400, `status ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
    assert.equal(answer.body.error, 'INVALID_EVENT');
    assert.match(String(answer.body.reason), new RegExp(`nested more than ${MAX_JSON_DEPTH} levels deep`));
    const letter = await waitFor('the dead letter', async () =>
      (await deadLetters(stack.bus)).find((l) => l.subject === 'http:/events' && l.payload === body),
    );
    assert.equal(letter.reason, answer.body.reason);
    assert.match(letter.note ?? '', /nested more than 64 levels deep/);
    // The same body again is the same letter (keyed by its digest), and the gateway still answers.
    assert.equal((await postEvent(body)).status, 400);
    assert.equal((await deadLetters(stack.bus)).filter((l) => l.payload === body).length, 1);
    assert.deepEqual(await getJson(`${stackEnv().BATON_GATEWAY_URL}/health`), { ok: true });
  });

  it('over NATS: one dead letter on the first delivery, and no redelivery after it', async () => {
    const marker = `nats-${randomUUID()}`;
    const body = deepest(marker);
    const publish = (text: string, id: string) => {
      const h = natsHeaders();
      h.set('x-case', id);
      return stack.bus.js.publish(subjects.event('reservation.requested.v1'), text, { msgID: id, headers: h });
    };
    const lettersOf = async (id: string) => (await deadLetters(stack.bus)).filter((l) => l.headers['x-case'] === id);
    /** The gateway consumer's acknowledgement floor has passed `seq`: that message is done with
     *  (acknowledged or terminated), never to be delivered again. */
    const donePast = (seq: number) =>
      waitFor(`the gateway consumer past ${seq}`, async () => {
        const info = await stack.bus.jsm.consumers.info(streams.events, consumers.gateway);
        return info.ack_floor.stream_seq >= seq ? info : undefined;
      });
    const { seq } = await publish(body, marker);
    await donePast(seq);
    const letters = await lettersOf(marker);
    assert.equal(letters.length, 1, 'exactly one dead letter');
    const [letter] = letters;
    assert.equal(letter!.rejectedBy, 'gateway');
    assert.equal(letter!.subject, subjects.event('reservation.requested.v1'));
    assert.match(letter!.reason, new RegExp(`not accepted: nested more than ${MAX_JSON_DEPTH} levels deep`));
    assert.ok(letter!.payload === body, 'the raw body is kept');
    // Delivered once, never again: a later message is handled past it, no max-deliveries
    // advisory ever names it, and it still has exactly one letter.
    const follow = `follow-${randomUUID()}`;
    await donePast((await publish('"not an event"', follow)).seq);
    await waitFor('the next message dead-lettered', async () => (await lettersOf(follow))[0]);
    const advisories = await readStream<{ stream: string; stream_seq: number }>(stack.bus, ADVISORY_STREAM);
    assert.equal(
      advisories.filter((a) => a.value.stream === streams.events && a.value.stream_seq === seq).length,
      0,
      'no max-deliveries advisory for it',
    );
    assert.equal((await lettersOf(marker)).length, 1, 'still one dead letter');
  });
});
