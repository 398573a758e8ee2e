import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '@baton/telemetry';
import { AgentError, BreakerRegistry, ExternalSystemError } from '../src/index.js';

const logger = createLogger('breaker-test', 'error');
const failing = () => Promise.reject(new ExternalSystemError('pos', '503'));
const working = () => Promise.resolve('ok');

async function outcome(registry: BreakerRegistry, fn: () => Promise<string>): Promise<string> {
  try {
    return await registry.run('pos', fn);
  } catch (err) {
    return (err as AgentError).code;
  }
}

describe('circuit breaker per external system', () => {
  it('stays closed at 3 failures in the last 10 calls and opens at 4', async () => {
    const registry = new BreakerRegistry('test', logger, { failureThreshold: 0.3, windowSize: 10, cooldownMs: 60_000 });
    for (let i = 0; i < 7; i++) await outcome(registry, working);
    for (let i = 0; i < 3; i++) await outcome(registry, failing);
    assert.equal(registry.state('pos'), 'closed', '30% is not more than 30%');
    await outcome(registry, failing);
    assert.equal(registry.state('pos'), 'open');
  });

  it('answers BREAKER_OPEN without calling the system while open, and is retryable', async () => {
    const registry = new BreakerRegistry('test', logger, { failureThreshold: 0.3, windowSize: 10, cooldownMs: 60_000 });
    for (let i = 0; i < 10; i++) await outcome(registry, failing);
    let called = false;
    await assert.rejects(
      registry.run('pos', async () => {
        called = true;
        return 'ok';
      }),
      (err: unknown) => err instanceof AgentError && err.code === 'BREAKER_OPEN' && err.retryable,
    );
    assert.equal(called, false);
    assert.equal(registry.state('payment'), 'closed', 'other systems are unaffected');
  });

  it('lets one probe through after the cool-down and closes on its success', async () => {
    const registry = new BreakerRegistry('test', logger, { failureThreshold: 0.3, windowSize: 10, cooldownMs: 50 });
    for (let i = 0; i < 10; i++) await outcome(registry, failing);
    assert.equal(registry.state('pos'), 'open');
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(await outcome(registry, working), 'ok');
    assert.equal(registry.state('pos'), 'closed');
  });

  it('does not count a business refusal (4xx) as a failure of the system', async () => {
    const registry = new BreakerRegistry('test', logger, { failureThreshold: 0.3, windowSize: 10, cooldownMs: 60_000 });
    for (let i = 0; i < 10; i++)
      await outcome(registry, () => Promise.reject(new AgentError('NO_TABLE', 'full', false)));
    assert.equal(registry.state('pos'), 'closed');
  });
});
