// Secret values that are public because this repository published them (the example secrets of
// earlier deployment files, the local stack's former fixed console passwords): no service accepts
// one as a secret, whatever else it checks. Kept as SHA-256 digests so this file does not publish
// them again. A value is also refused when it says it is an example (`example-only`, `change-me`):
// such a value was written to be replaced. Every secret loader applies `notPublicSecret`
// (payload keys, task seal key, session secret, console password hashes, webhook secrets), and
// tests/public-secrets.unit.test.ts holds them to it against every value the repository commits.
import { createHash } from 'node:crypto';
import type { z } from 'zod';

const PUBLISHED_SHA256: ReadonlySet<string> = new Set([
  '5ff6dad4aaea063b5086b458b9e94c50e54670d365b46d6572cee01c8b858f00',
  '2c08921d2bbf50660982b7a12217fda379285fde04d5745727ff3ffc72a45e14',
  '51d58e1062809a32b13ac819fc33d22c9f0cc7570f40dde8ffa48e9daf5262e7',
  '70e4d32062c391879cf9a2751c6ad9e7e91c87e0d985e24aaebf526a7439cb26',
  'e9ffd8e8802c34d6f0a22171435c639f3da4ce767ed399d6a5e9bc366f402d2c',
  'c0c44caabd4dc55b44ce590a8fe2d17eca41f7bd2a827564fccaa0f57fbbe158',
  '4e48db334e2cabf2ba85e0e647aaeb66aa0cb9ed12f51a39b7a4bc5661ec47bb',
  '05a25ecfda99f194e55c54c72576035b8b3cd60ef075fd383b9d35e5afa4ff4c',
  'ea025e92012791e4610f3412a199bbe4cc767f8e9878d9d0e716a04d5dec3a2c',
  '8959982162ba2a8e55347abfe4c17cdf86b6e3147da4c0ecb5397266c2ddb82b',
  '54fde13d608e78df60d374e74b91ff1d48660a6c17bba3b7d003bed2faf5e12d',
]);

/** Whether `value` is a secret anyone with this repository knows. */
export function isPublicSecret(value: string): boolean {
  const v = value.trim();
  return (
    PUBLISHED_SHA256.has(createHash('sha256').update(v).digest('hex')) || /example[-_ ]?only|change[-_ ]?me/i.test(v)
  );
}

export const PUBLIC_SECRET_MESSAGE =
  'is a value published in the Baton repository (an example, never a secret): generate your own';

/** A zod refinement for a secret field: refuses a public value, naming why, never the value. */
export function notPublicSecret<T extends z.ZodType<string | undefined>>(schema: T): T {
  return schema.refine((v: string | undefined) => v === undefined || !isPublicSecret(v), {
    message: PUBLIC_SECRET_MESSAGE,
  }) as unknown as T;
}
