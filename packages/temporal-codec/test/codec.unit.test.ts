// The payload codec without a stack: what it writes is ciphertext under the newest key, any
// configured key reads it back, a tampered or unknown-key payload is refused, and a bad key
// setting names the field without echoing the key.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { DefaultPayloadConverter } from '@temporalio/common';
import {
  AesGcmPayloadCodec,
  ENCRYPTED_ENCODING,
  KEY_ID_METADATA,
  PayloadDecryptionError,
  PlaintextPayloadError,
  loadPayloadKeys,
  parsePayloadKeys,
  runCodec,
} from '../src/index.js';

const converter = new DefaultPayloadConverter();
const key = (id: string) => ({ id, key: randomBytes(32) });
const guest = { name: 'Grace Hopper', phone: '+1 555 0100', allergies: ['shellfish'] };

describe('AES-GCM payload codec', () => {
  it('encrypts under the newest key and decrypts to the original payload', async () => {
    const codec = new AesGcmPayloadCodec([key('old'), key('new')]);
    const [encrypted] = await codec.encode([converter.toPayload(guest)]);
    assert.equal(Buffer.from(encrypted!.metadata!.encoding!).toString(), ENCRYPTED_ENCODING);
    assert.equal(Buffer.from(encrypted!.metadata![KEY_ID_METADATA]!).toString(), 'new');
    assert.ok(!Buffer.from(encrypted!.data!).toString('latin1').includes('Grace'), 'no plaintext in the data');
    const [decoded] = await codec.decode([encrypted!]);
    assert.deepEqual(converter.fromPayload(decoded!), guest);
  });

  it('keeps reading payloads of a retired encryption key while it is still configured', async () => {
    const k1 = key('k1');
    const before = new AesGcmPayloadCodec([k1]);
    const [written] = await before.encode([converter.toPayload(guest)]);
    const rotated = new AesGcmPayloadCodec([k1, key('k2')]);
    assert.equal(rotated.keyId, 'k2');
    assert.deepEqual(converter.fromPayload((await rotated.decode([written!]))[0]!), guest);
    const dropped = new AesGcmPayloadCodec([key('k2')]);
    await assert.rejects(
      dropped.decode([written!]),
      (err: Error) => err instanceof PayloadDecryptionError && /key "k1", which is not configured/.test(err.message),
    );
  });

  it('refuses a tampered payload and an unencrypted one (shown as it is only for display)', async () => {
    const codec = new AesGcmPayloadCodec([key('k')]);
    const [encrypted] = await codec.encode([converter.toPayload(guest)]);
    const data = Buffer.from(encrypted!.data!);
    data[20] = data[20]! ^ 1;
    await assert.rejects(codec.decode([{ ...encrypted!, data: new Uint8Array(data) }]), /failed authentication/);
    const plain = converter.toPayload({ party: 4, notes: [] });
    await assert.rejects(
      codec.decode([plain]),
      (err: Error) =>
        err instanceof PlaintextPayloadError &&
        err.code === 'PAYLOAD_NOT_ENCRYPTED' &&
        /encoding "json\/plain"/.test(err.message),
    );
    await assert.rejects(codec.decode([{ data: new Uint8Array(Buffer.from('{}')) }]), /encoding "none"/);
    assert.deepEqual(await codec.forDisplay().decode([plain]), [plain]);
  });

  it('serves the codec-server protocol (base64 JSON payloads)', async () => {
    const codec = new AesGcmPayloadCodec([key('k')]);
    const [encrypted] = await codec.encode([converter.toPayload(guest)]);
    const body = {
      payloads: [
        {
          metadata: Object.fromEntries(
            Object.entries(encrypted!.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')]),
          ),
          data: Buffer.from(encrypted!.data!).toString('base64'),
        },
      ],
    };
    const { payloads } = await runCodec(codec, 'decode', body);
    assert.equal(Buffer.from(payloads[0]!.metadata!.encoding!, 'base64').toString(), 'json/plain');
    assert.deepEqual(JSON.parse(Buffer.from(payloads[0]!.data!, 'base64').toString()), guest);
    await assert.rejects(runCodec(codec, 'decode', { nope: 1 }));
  });
});

describe('payload key configuration', () => {
  it('names the field and the problem, never the key', () => {
    const short = Buffer.from('too-short-secret-value').toString('base64');
    assert.throws(
      () => parsePayloadKeys(JSON.stringify([{ id: 'k', key: short }]), 'BATON_PAYLOAD_KEYS'),
      (err: Error) => {
        assert.match(err.message, /BATON_PAYLOAD_KEYS\.0\.key: must be 32 bytes/);
        assert.ok(!err.message.includes(short), 'the key value is not echoed');
        return true;
      },
    );
    assert.throws(() => parsePayloadKeys('[]', 'BATON_PAYLOAD_KEYS'), /at least one key/);
    const k = randomBytes(32).toString('base64');
    assert.throws(
      () =>
        parsePayloadKeys(
          JSON.stringify([
            { id: 'a', key: k },
            { id: 'a', key: k },
          ]),
          'X',
        ),
      /unique/,
    );
    assert.throws(() => loadPayloadKeys({}), /BATON_PAYLOAD_KEYS or BATON_PAYLOAD_KEY_FILE must be set/);
    assert.throws(
      () => loadPayloadKeys({ BATON_PAYLOAD_KEY_FILE: '/nonexistent/keys.json' }),
      /BATON_PAYLOAD_KEY_FILE="\/nonexistent\/keys.json": cannot read it \(ENOENT\)/,
    );
    assert.equal(loadPayloadKeys({ BATON_PAYLOAD_KEYS: JSON.stringify([{ id: 'a', key: k }]) })[0]!.id, 'a');
  });
});
