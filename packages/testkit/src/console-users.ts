// The people of the local stack's approval console (demo and tests): a host (first tier), a
// manager (second tier), a viewer who may decide nothing, and an operator (the operations views,
// dead-letter replay, decoded payloads in the Temporal UI) who may decide nothing either. The passwords are for the local
// stack only; a real deployment sets BATON_CONSOLE_USERS from `baton hash-password`.
import { randomBytes, scryptSync } from 'node:crypto';

export const consoleUsers = {
  host: { username: 'hana', password: 'local-host-password', roles: ['host'] },
  manager: { username: 'mia', password: 'local-manager-password', roles: ['manager'] },
  viewer: { username: 'vic', password: 'local-viewer-password', roles: ['viewer'] },
  operator: { username: 'otto', password: 'local-operator-password', roles: ['operator'] },
} as const;

let cached: string | undefined;

/** BATON_CONSOLE_USERS for the local stack: the users above with scrypt hashes (a lighter cost
 *  than `baton hash-password` uses, so starting the stack stays fast). */
export function consoleUsersEnv(): string {
  if (cached) return cached;
  const N = 2 ** 14;
  const users = Object.values(consoleUsers).map((u) => {
    const salt = randomBytes(16);
    const key = scryptSync(u.password, salt, 32, { N, r: 8, p: 1 });
    return { username: u.username, roles: [...u.roles], passwordHash: `scrypt$${N}$8$1$${salt.toString('base64')}$${key.toString('base64')}` };
  });
  cached = JSON.stringify(users);
  return cached;
}
