// Who may sign in to the console and what they may decide: users with scrypt password hashes
// and roles, from configuration (JSON in BATON_CONSOLE_USERS, or a path to a JSON file).
import { randomBytes, scrypt, timingSafeEqual, type BinaryLike, type ScryptOptions } from 'node:crypto';
import { z } from 'zod';
import { AccountChannels, jsonListField, notPublicSecret } from '@baton/contracts';

const KEY_LENGTH = 32;
/** scrypt cost: N=2^15, r=8, p=1 (OWASP's floor), 64 MB of memory per hash. */
const COST = { N: 2 ** 15, r: 8, p: 1, maxmem: 128 * 1024 * 1024 } as const;

function scryptAsync(password: BinaryLike, salt: BinaryLike, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** `scrypt$N$r$p$<salt base64>$<key base64>`: what `baton hash-password` prints. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, COST);
  return `scrypt$${COST.N}$${COST.r}$${COST.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = hash.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: COST.maxmem,
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export const ConsoleUser = z.object({
  username: z.string().min(1).max(100),
  passwordHash: notPublicSecret(
    z
      .string()
      .regex(
        /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/,
        'must be a hash printed by `baton hash-password`',
      ),
  ),
  /** Roles matched against a gate's tiers, e.g. host, manager. */
  roles: z.array(z.string().min(1)).min(1),
  /** Where the approver notifier (services/approver-notify) tells this person that a gate waits
   *  for one of their roles: email, phone (SMS), chat incoming-webhook. None: the inbox only. */
  channels: AccountChannels.optional(),
});
export type ConsoleUser = z.infer<typeof ConsoleUser>;

/** BATON_CONSOLE_USERS: a JSON array of users, or the path of a file that holds one. */
export const ConsoleUsersField = jsonListField(ConsoleUser, 'users');

/** Session user: name and roles only. */
export interface SignedIn {
  username: string;
  roles: string[];
}

export async function signIn(users: ConsoleUser[], username: string, password: string): Promise<SignedIn | undefined> {
  const user = users.find((u) => u.username === username);
  // Spend the same time on an unknown user as on a wrong password.
  const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
  return user && ok ? { username: user.username, roles: user.roles } : undefined;
}
const DUMMY_HASH = `scrypt$${COST.N}$${COST.r}$${COST.p}$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=`;
