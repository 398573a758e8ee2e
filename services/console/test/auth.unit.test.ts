// Console sign-in: scrypt hashes from `baton hash-password`, and the users' configuration that
// stops the console with the variable's name when it is wrong.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { loadConfig } from '@baton/contracts';
import { ConsoleUsersField, hashPassword, signIn, verifyPassword } from '../src/web/auth.js';

describe('console sign-in', () => {
  it('verifies a password against its scrypt hash and refuses a wrong one', async () => {
    const hash = await hashPassword('correct horse');
    assert.match(hash, /^scrypt\$32768\$8\$1\$/);
    assert.equal(await verifyPassword('correct horse', hash), true);
    assert.equal(await verifyPassword('wrong horse', hash), false);
    assert.equal(await verifyPassword('correct horse', 'plain-text'), false);
  });

  it('signs in a configured user with their roles, and nobody else', async () => {
    const Config = z.object({ BATON_CONSOLE_USERS: ConsoleUsersField });
    const users = loadConfig(Config, {
      BATON_CONSOLE_USERS: JSON.stringify([
        { username: 'mia', passwordHash: await hashPassword('pw'), roles: ['manager'] },
      ]),
    }).BATON_CONSOLE_USERS;
    assert.deepEqual(await signIn(users, 'mia', 'pw'), { username: 'mia', roles: ['manager'] });
    assert.equal(await signIn(users, 'mia', 'nope'), undefined);
    assert.equal(await signIn(users, 'eve', 'pw'), undefined);
  });

  it("keeps an account's channels (where the approver notifier tells the person) and refuses a wrong one", async () => {
    const Config = z.object({ BATON_CONSOLE_USERS: ConsoleUsersField });
    const account = { username: 'mia', passwordHash: await hashPassword('pw'), roles: ['manager'] };
    const channels = {
      email: 'mia@example.com',
      phone: '+15550100002',
      chatWebhookUrl: 'https://chat.example.com/hooks/abc',
    };
    assert.deepEqual(
      loadConfig(Config, { BATON_CONSOLE_USERS: JSON.stringify([{ ...account, channels }]) }).BATON_CONSOLE_USERS[0]
        ?.channels,
      channels,
    );
    assert.throws(
      () => loadConfig(Config, { BATON_CONSOLE_USERS: JSON.stringify([{ ...account, channels: { pager: '123' } }]) }),
      /BATON_CONSOLE_USERS=/,
    );
    assert.throws(
      () =>
        loadConfig(Config, {
          BATON_CONSOLE_USERS: JSON.stringify([{ ...account, channels: { chatWebhookUrl: 'ftp://chat.example.com' } }]),
        }),
      /BATON_CONSOLE_USERS=/,
    );
  });

  it('names BATON_CONSOLE_USERS when its value is wrong', () => {
    const Config = z.object({ BATON_CONSOLE_USERS: ConsoleUsersField });
    assert.throws(
      () =>
        loadConfig(Config, { BATON_CONSOLE_USERS: '[{"username":"mia","passwordHash":"secret","roles":["manager"]}]' }),
      /BATON_CONSOLE_USERS=.*hash-password/,
    );
    assert.throws(
      () => loadConfig(Config, { BATON_CONSOLE_USERS: 'no/such/file.json' }),
      /BATON_CONSOLE_USERS=.*JSON array of users or the path/,
    );
  });
});
