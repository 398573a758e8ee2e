// The keys that encrypt Temporal payloads: from BATON_PAYLOAD_KEYS (the JSON itself) or
// BATON_PAYLOAD_KEY_FILE (a file holding it; infra/stack.sh writes one into the profile's
// git-ignored state folder on first start). Several keys may be listed: the LAST one is the
// newest and encrypts, every one listed decrypts, so a key rotates by appending a new one and
// removing the old only once no running workflow's history still needs it.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, PUBLIC_SECRET_MESSAGE, isPublicSecret } from '@baton/contracts';

const KeyEntry = z.object({
  id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 letters, digits, dot, dash or underscore'),
  /** 32 random bytes, base64 (e.g. `head -c 32 /dev/urandom | base64`). */
  key: z
    .string()
    .refine(
      (k) => /^[A-Za-z0-9+/_-]+={0,2}$/.test(k) && Buffer.from(k, 'base64').length === 32,
      'must be 32 bytes, base64 encoded (AES-256)',
    )
    .refine((k) => !isPublicSecret(k), PUBLIC_SECRET_MESSAGE),
});
const KeyList = z
  .array(KeyEntry)
  .min(1, 'must list at least one key')
  .refine((keys) => new Set(keys.map((k) => k.id)).size === keys.length, 'key ids must be unique');

export interface PayloadKey {
  id: string;
  key: Buffer;
}

export const PayloadKeysConfig = z.object({
  /** JSON array of { id, key } (key: 32 bytes base64); the last one encrypts. */
  BATON_PAYLOAD_KEYS: z.string().min(1).optional(),
  /** Path of a file holding that JSON (infra/env.sh points it into the profile's state folder). */
  BATON_PAYLOAD_KEY_FILE: z.string().min(1).optional(),
});

/** Parses the key list. Errors name the field and the problem, never a key's value. */
export function parsePayloadKeys(json: string, field: string): PayloadKey[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new ConfigError(
      `invalid configuration: ${field}: not JSON (expected [{"id":"…","key":"<32 bytes base64>"}])`,
    );
  }
  const parsed = KeyList.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${[field, ...i.path.map(String)].join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration: ${issues.join('; ')}`);
  }
  return parsed.data.map((k) => ({ id: k.id, key: Buffer.from(k.key, 'base64') }));
}

/** The keys this process uses, from its environment; a missing or bad setting is a ConfigError. */
export function loadPayloadKeys(given?: Record<string, string | undefined>): PayloadKey[] {
  const env = given ?? process.env;
  const config = PayloadKeysConfig.parse({
    BATON_PAYLOAD_KEYS: env.BATON_PAYLOAD_KEYS || undefined,
    BATON_PAYLOAD_KEY_FILE: env.BATON_PAYLOAD_KEY_FILE || undefined,
  });
  if (config.BATON_PAYLOAD_KEYS) return parsePayloadKeys(config.BATON_PAYLOAD_KEYS, 'BATON_PAYLOAD_KEYS');
  if (config.BATON_PAYLOAD_KEY_FILE) {
    let text: string;
    try {
      text = readFileSync(config.BATON_PAYLOAD_KEY_FILE, 'utf8');
    } catch (err) {
      throw new ConfigError(
        `invalid configuration: BATON_PAYLOAD_KEY_FILE=${JSON.stringify(config.BATON_PAYLOAD_KEY_FILE)}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); infra/stack.sh start writes one for the local stack`,
      );
    }
    return parsePayloadKeys(text, `BATON_PAYLOAD_KEY_FILE (${config.BATON_PAYLOAD_KEY_FILE})`);
  }
  throw new ConfigError(
    'invalid configuration: BATON_PAYLOAD_KEYS or BATON_PAYLOAD_KEY_FILE must be set: Temporal payloads are encrypted (source infra/env.sh for the local stack)',
  );
}
