// The remote codec protocol the Temporal web UI and CLI speak (POST <endpoint>/decode): a body
// of Payloads in protobuf JSON form, metadata values and data base64; the answer in the same
// form. The HTTP side (authentication, CORS) belongs to whoever hosts it (the console).
import { z } from 'zod';
import type { Payload, PayloadCodec } from '@temporalio/common';

const JsonPayloads = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), z.string()).optional(), data: z.string().optional() })),
});
export type JsonPayloads = z.infer<typeof JsonPayloads>;

function fromJson(p: JsonPayloads['payloads'][number]): Payload {
  return {
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))]),
    ),
    data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
  };
}

function toJson(p: Payload): JsonPayloads['payloads'][number] {
  return {
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]),
    ),
    data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
  };
}

/** Decodes (or encodes) a codec-protocol body; a malformed body is a zod error for a 400. Give it
 *  a codec made for display (AesGcmPayloadCodec.forDisplay()) to show plaintext payloads as they are. */
export async function runCodec(
  codec: PayloadCodec,
  direction: 'decode' | 'encode',
  body: unknown,
): Promise<JsonPayloads> {
  const { payloads } = JsonPayloads.parse(body);
  const converted = await codec[direction](payloads.map(fromJson));
  return { payloads: converted.map(toJson) };
}
