import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FaultPatch, Faults } from '../src/faults.js';

describe('simulator faults', () => {
  it('fails every request during an outage window and none after it', () => {
    const faults = new Faults(() => 0.99);
    faults.set({ outageUntil: 1_000 });
    assert.equal(faults.shouldFail(999), true);
    assert.equal(faults.shouldFail(1_000), false);
  });

  it('fails the configured share of requests', () => {
    let i = 0;
    const faults = new Faults(() => (i++ % 100) / 100);
    faults.set({ errorRate: 0.03 });
    const failures = Array.from({ length: 100 }, () => faults.shouldFail(0)).filter(Boolean).length;
    assert.equal(failures, 3);
  });

  it('changes only the fields a patch names', () => {
    const faults = new Faults();
    faults.set(FaultPatch.parse({ errorRate: 0.03 }));
    faults.set(FaultPatch.parse({ outageUntil: 5 }));
    assert.equal(faults.current.errorRate, 0.03);
    assert.equal(faults.current.outageUntil, 5);
  });

  it('refuses an error rate outside 0..1', () => {
    assert.throws(() => new Faults().set({ errorRate: 1.5 }));
  });
});

describe('late commits', () => {
  it('delays the configured share of writes to a moment inside the window, and none when off', () => {
    const rolls = [0.1, 0.5, 0.9, 0.0];
    let i = 0;
    const faults = new Faults(() => rolls[i++ % rolls.length]!);
    assert.equal(faults.lateCommitDelay(), 0, 'off by default');
    faults.set({ lateCommitShare: 0.5, lateCommitMinMs: 1_000, lateCommitMaxMs: 3_000 });
    i = 0;
    assert.equal(faults.lateCommitDelay(), 2_000, 'roll 0.1 < 0.5: late, at 1000 + 0.5 x 2000');
    assert.equal(faults.lateCommitDelay(), 0, 'roll 0.9: on time');
  });
});
