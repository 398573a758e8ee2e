// Temporal holds ciphertext only: the raw history of a reservation waiting at the allergy gate,
// read without the codec (as Temporal's database, its UI without the codec server, or anyone
// with `temporal workflow show` sees it), contains neither the guest's name, phone nor allergy,
// while every Baton client (the test kit's included) reads the workflow normally.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { payloadKeyEnv, postEvent, reservationEvent, stackEnv, temporalConnectionAs } from '@baton/testkit';
import { payloadCodec, ENCRYPTED_ENCODING } from '@baton/temporal-codec';
import { startStack, waitForState, type Stack } from './support.js';

type RawPayload = { metadata?: Record<string, Uint8Array>; data?: Uint8Array; path: string };

/** Every byte string in a history, as text, and every payload found on the way with its path.
 *  Two kinds never pass a codec: search attributes (Temporal indexes them: state, workflow type,
 *  customer id) and headers (the trace context); both are searched as text like the rest. */
function walk(node: unknown, texts: string[], payloads: RawPayload[], path = ''): void {
  if (node instanceof Uint8Array) return void texts.push(Buffer.from(node).toString('utf8'));
  if (Array.isArray(node)) return node.forEach((n, i) => walk(n, texts, payloads, `${path}[${i}]`));
  if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (
      o.data instanceof Uint8Array &&
      o.metadata &&
      typeof o.metadata === 'object' &&
      !/searchAttributes|\.header\.fields|markerRecordedEventAttributes\.details\.patch-data/.test(path)
    )
      payloads.push({ ...(o as Omit<RawPayload, 'path'>), path });
    for (const [k, v] of Object.entries(o)) {
      texts.push(k);
      if (typeof v === 'string') texts.push(v);
      else walk(v, texts, payloads, `${path}.${k}`);
    }
  }
}

describe('encrypted payloads in Temporal', () => {
  let stack: Stack;
  let raw: { client: Client; connection: Connection };
  before(async () => {
    stack = await startStack();
    const connection = await Connection.connect(temporalConnectionAs());
    // no codec
    raw = { connection, client: new Client({ connection, namespace: stackEnv().BATON_TEMPORAL_NAMESPACE }) };
  });
  after(async () => {
    await raw?.connection.close();
    await stack?.close();
  });

  it("keeps the guest's name, phone and allergy out of the raw history, and Baton reads them decoded", async () => {
    const event = reservationEvent('Table for 3, Friday 8pm, allergic to shellfish');
    const guest = { ...event.data.customer, name: 'Rosalind Franklin-Quist', phone: '+44 20 7946 0123' };
    const answer = await postEvent({ ...event, data: { ...event.data, customer: guest } });
    assert.equal(answer.status, 202);
    const workflowId = String(answer.body.workflowId);

    // Baton's own client (the test kit's, with the codec) reads the state as ever.
    const waiting = await waitForState(stack, workflowId, 'Awaiting approval');
    assert.deepEqual(waiting.request?.allergies, ['shellfish']);
    assert.equal(waiting.request?.customer.name, guest.name);

    const history = await raw.client.workflow.getHandle(workflowId).fetchHistory();
    const texts: string[] = [];
    const payloads: RawPayload[] = [];
    walk(history, texts, payloads);
    const all = texts.join('\n');
    assert.ok(payloads.length >= 5, `the history has payloads (${payloads.length})`);
    const plainPayloads = payloads.filter(
      (p) => Buffer.from(p.metadata?.encoding ?? new Uint8Array()).toString() !== ENCRYPTED_ENCODING,
    );
    assert.deepEqual(
      plainPayloads.map((p) => p.path),
      [],
      "every payload but search attributes, headers and patch markers (the patch id, written by the SDK's core) is encrypted",
    );
    for (const secret of [guest.name, 'Franklin', guest.phone, '7946 0123', 'shellfish'])
      assert.ok(!all.includes(secret), `"${secret}" is not in the raw history`);

    // The control: the same search over the decoded payloads finds them, so the search can fail.
    const decoded = await payloadCodec(payloadKeyEnv()).decode(
      payloads.map((p) => ({ metadata: p.metadata ?? {}, data: p.data ?? new Uint8Array() })),
    );
    const plain = decoded
      .map((p: { data?: Uint8Array | null }) => Buffer.from(p.data ?? new Uint8Array()).toString('utf8'))
      .join('\n');
    for (const secret of [guest.name, guest.phone, 'shellfish'])
      assert.ok(plain.includes(secret), `"${secret}" is in the decoded payloads`);
  });
});
