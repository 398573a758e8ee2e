// AES-256-GCM payload codec for Temporal: every payload a client or worker sends (workflow and
// activity inputs and results, signals, updates, queries, memos) leaves the process encrypted,
// so Temporal's database and its UI hold ciphertext only. The whole original Payload (metadata
// and data) is serialised and encrypted; the encrypted payload's metadata names the encoding and
// the key id, so any of the configured keys can decrypt what it encrypted.
//
// Decoding refuses plaintext: a payload that reaches a worker or client unencrypted was written by
// someone without a key (a `temporal workflow start --input '<json>'`, an activity completed from
// the CLI), so it is an error, never data. The SDK itself hands the codec nothing that may stay
// plain: headers (the OpenTelemetry interceptor's `_tracer-data`) and search attributes never pass
// through a codec (the TypeScript SDK skips them), and its markers (patches, local activities) are
// Core's own. The one place that lists what may pass unencrypted is PLAINTEXT_ALLOWED below; the
// Temporal UI's decode endpoint (display only, for an operator) shows other plaintext as it is.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto'; // CommonJS: its namespaces hang off the default export
import type { PayloadKey } from './config.js';

const { Payload: PayloadMessage } = proto.temporal.api.common.v1;

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class PayloadDecryptionError extends Error {
  readonly code: string = 'PAYLOAD_DECRYPTION_FAILED';
  readonly retryable = false;
}

/** A payload that should have been encrypted and was not: written without a key. */
export class PlaintextPayloadError extends PayloadDecryptionError {
  override readonly code = 'PAYLOAD_NOT_ENCRYPTED';
}

/**
 * Encodings a payload may carry unencrypted, the only exceptions to "every payload is encrypted".
 * Empty: everything Baton's workers and clients write goes through encode(), and what the SDK keeps
 * plain (headers, search attributes, Core's markers) never reaches a codec. Add an encoding here,
 * with the reason, only if the SDK starts handing one over that it wrote itself.
 */
export const PLAINTEXT_ALLOWED: ReadonlySet<string> = new Set<string>();

export interface CodecOptions {
  /** Pass unencrypted payloads through instead of refusing them: for display (the UI's decode endpoint) only. */
  passPlaintext?: boolean;
}

export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;
  private readonly current: PayloadKey;

  private readonly keys: readonly PayloadKey[];
  private readonly passPlaintext: boolean;

  constructor(keys: readonly PayloadKey[], options: CodecOptions = {}) {
    const newest = keys.at(-1);
    if (!newest) throw new Error('AesGcmPayloadCodec needs at least one key');
    this.current = newest;
    this.keys = keys;
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
    this.passPlaintext = options.passPlaintext ?? false;
  }

  /** The same keys, passing plaintext through: for showing payloads to an operator, never for a worker or client. */
  forDisplay(): AesGcmPayloadCodec {
    return new AesGcmPayloadCodec(this.keys, { passPlaintext: true });
  }

  /** The id of the key that encrypts. */
  get keyId(): string {
    return this.current.id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const plain = PayloadMessage.encode(payload).finish();
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING),
          [KEY_ID_METADATA]: Buffer.from(this.current.id),
        },
        data: new Uint8Array(data),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
      const name = encoding ? Buffer.from(encoding).toString() : '';
      if (name !== ENCRYPTED_ENCODING) {
        if (this.passPlaintext || PLAINTEXT_ALLOWED.has(name)) return payload;
        throw new PlaintextPayloadError(
          `payload not encrypted (encoding "${name || 'none'}"): written without Baton's payload key, refused`,
        );
      }
      const keyIdBytes = payload.metadata?.[KEY_ID_METADATA];
      const keyId = keyIdBytes ? Buffer.from(keyIdBytes).toString() : '';
      const key = this.byId.get(keyId);
      if (!key)
        throw new PayloadDecryptionError(
          `payload encrypted with key "${keyId}", which is not configured (configured: ${[...this.byId.keys()].join(', ')})`,
        );
      const data = Buffer.from(payload.data ?? new Uint8Array());
      if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError('encrypted payload too short');
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      } catch {
        throw new PayloadDecryptionError(
          `payload under key "${keyId}" failed authentication (tampered, or a different key with that id)`,
        );
      }
      return PayloadMessage.decode(plain);
    });
  }
}
