// The people of the local stack's approval console (demo and tests): a host (first tier), a
// manager (second tier), a viewer who may decide nothing, and an operator (the operations views,
// dead-letter replay, decoded payloads in the Temporal UI) who may decide nothing either. Their
// passwords are random, made once per state folder (<state>/console-passwords/<user>, like the
// webhook secret): none is in the repository, so none works anywhere but on this stack. A real
// deployment sets BATON_CONSOLE_USERS from `baton hash-password`. The host and the manager have
// an email address and a phone (channels) at the messaging simulator, where the approver notifier
// (services/approver-notify) tells them what waits for them; the manager also a chat room there
// (the simulator's incoming webhook).
import { randomBytes, scryptSync } from 'node:crypto';
import { stackEnv } from './env.js';
import { stateSecret } from './webhook.js';

interface Channels {
  email?: string;
  phone?: string;
  chatWebhookUrl?: string;
}

function person<U extends string, R extends string>(username: U, role: R, channels?: () => Channels) {
  return {
    username,
    roles: [role] as const,
    /** Where the approver notifier reaches this person (addresses of this profile's simulator). */
    get channels(): Channels | undefined {
      return channels?.();
    },
    /** Read from the state folder, made on first use. */
    get password(): string {
      return stateSecret(`console-passwords/${username}`);
    },
  };
}

export const consoleUsers = {
  host: person('hana', 'host', () => ({ email: 'hana@restaurant.test', phone: '+15550100001' })),
  manager: person('mia', 'manager', () => ({
    email: 'mia@restaurant.test',
    phone: '+15550100002',
    chatWebhookUrl: `${stackEnv().BATON_MESSAGING_URL}/chat/managers`,
  })),
  viewer: person('vic', 'viewer'),
  operator: person('otto', 'operator'),
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
    return {
      username: u.username,
      roles: [...u.roles],
      ...(u.channels ? { channels: u.channels } : {}),
      passwordHash: `scrypt$${N}$8$1$${salt.toString('base64')}$${key.toString('base64')}`,
    };
  });
  cached = JSON.stringify(users);
  return cached;
}
