// One data converter for every Temporal client and worker in Baton: payloads encrypted with
// AES-256-GCM under keys from the environment (see config.ts), and the codec-server protocol for
// the Temporal UI. Its own package, not part of the workflow kit or telemetry: it is Node-only
// (node:crypto, key files) and must never be pulled into the workflow sandbox bundle, and the
// test kit, the bench and the console need it without the kit's registry.
import type { DataConverter } from '@temporalio/common';
import { AesGcmPayloadCodec } from './codec.js';
import { loadPayloadKeys } from './config.js';

export {
  AesGcmPayloadCodec,
  PayloadDecryptionError,
  PlaintextPayloadError,
  PLAINTEXT_ALLOWED,
  ENCRYPTED_ENCODING,
  KEY_ID_METADATA,
  type CodecOptions,
} from './codec.js';
export { loadPayloadKeys, parsePayloadKeys, PayloadKeysConfig, type PayloadKey } from './config.js';
export { runCodec, type JsonPayloads } from './codec-server.js';

/** The codec of this process's configured keys (throws a ConfigError naming the field). */
export function payloadCodec(env?: Record<string, string | undefined>): AesGcmPayloadCodec {
  return new AesGcmPayloadCodec(loadPayloadKeys(env));
}

/** The `dataConverter` option for Client, Worker.create and friends. */
export function temporalDataConverter(
  env?: Record<string, string | undefined>,
): DataConverter & { payloadCodecs: [AesGcmPayloadCodec] } {
  return { payloadCodecs: [payloadCodec(env)] };
}

/** For main.ts: the data converter, or the reason on stderr and exit status 78 (EX_CONFIG). */
export function temporalDataConverterOrExit(
  service: string,
  env?: Record<string, string | undefined>,
): DataConverter & { payloadCodecs: [AesGcmPayloadCodec] } {
  try {
    return temporalDataConverter(env);
  } catch (err) {
    process.stderr.write(`${service}: ${(err as Error).message}\n`);
    process.exit(78);
  }
}
