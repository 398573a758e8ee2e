// A configuration error names the variable and the problem, and never echoes a secret's value
// (session secrets, passwords, keys, tokens, user lists with password hashes).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { loadConfig } from '../src/index.js';

const Schema = z.object({
  BATON_CONSOLE_SESSION_SECRET: z.string().min(32, 'must be at least 32 characters'),
  BATON_PAYLOAD_KEYS: z.string().startsWith('['),
  BATON_CONSOLE_PASSWORD: z.string().min(12),
  BATON_CONSOLE_PORT: z.coerce.number().int().max(65535),
});

describe('configuration errors', () => {
  it('name secret fields without their values, and show other values', () => {
    const env = {
      BATON_CONSOLE_SESSION_SECRET: 'hunter2-short',
      BATON_PAYLOAD_KEYS: 'k1:c2VjcmV0',
      BATON_CONSOLE_PASSWORD: 'pw-123',
      BATON_CONSOLE_PORT: '99999',
    };
    assert.throws(
      () => loadConfig(Schema, env),
      (err: Error) => {
        assert.match(
          err.message,
          /BATON_CONSOLE_SESSION_SECRET=\(13 characters, not shown\): must be at least 32 characters/,
        );
        assert.match(err.message, /BATON_PAYLOAD_KEYS=\(11 characters, not shown\)/);
        assert.match(err.message, /BATON_CONSOLE_PASSWORD=\(6 characters, not shown\)/);
        assert.match(err.message, /BATON_CONSOLE_PORT="99999"/, 'a port is no secret: shown');
        for (const secret of ['hunter2-short', 'c2VjcmV0', 'pw-123'])
          assert.ok(!err.message.includes(secret), `${secret} is not in the message`);
        return true;
      },
    );
  });
});
