import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePrometheus } from '@baton/telemetry';
import { approverDeliveries, breakerStates, latencyByAgent, quantile } from '../src/web/metrics.js';

describe('operations metrics', () => {
  it('interpolates a quantile inside its histogram bucket, as histogram_quantile does', () => {
    // 100 observations: 50 up to 10 ms, 40 more up to 100 ms, 10 more up to 1 s.
    const buckets = [
      { le: 0.01, count: 50 },
      { le: 0.1, count: 90 },
      { le: 1, count: 100 },
      { le: Infinity, count: 100 },
    ];
    assert.equal(quantile(0.5, buckets), 0.01);
    assert.ok(Math.abs(quantile(0.7, buckets)! - 0.055) < 1e-9);
    assert.ok(Math.abs(quantile(0.95, buckets)! - 0.55) < 1e-9);
    assert.equal(quantile(0.5, [{ le: 1, count: 0 }]), undefined);
  });

  it("sums an agent's buckets across label sets and names breaker states", () => {
    const samples = parsePrometheus(
      [
        'baton_agent_task_duration_seconds_bucket{baton_agent="booking",baton_outcome="ok",le="0.1"} 3',
        'baton_agent_task_duration_seconds_bucket{baton_agent="booking",baton_outcome="ok",le="+Inf"} 4',
        'baton_agent_task_duration_seconds_bucket{baton_agent="booking",baton_outcome="error",le="0.1"} 0',
        'baton_agent_task_duration_seconds_bucket{baton_agent="booking",baton_outcome="error",le="+Inf"} 1',
        'baton_breaker_state{baton_agent="booking",baton_external_system="pos"} 2',
      ].join('\n'),
    );
    const [booking] = latencyByAgent(samples);
    assert.equal(booking?.agent, 'booking');
    assert.equal(booking?.count, 5);
    assert.deepEqual(breakerStates(samples), [{ agent: 'booking', system: 'pos', state: 'open' }]);
  });

  it("counts the approver notifier's deliveries per channel and outcome, over its replicas", () => {
    const samples = parsePrometheus(
      [
        'baton_approver_notify_deliveries_total{baton_channel="sms",baton_outcome="sent"} 3',
        'baton_approver_notify_deliveries_total{baton_channel="sms",baton_outcome="failed"} 1',
        'baton_approver_notify_deliveries_total{baton_channel="email",baton_outcome="sent"} 2',
      ].join('\n'),
    );
    const twoReplicas = [...samples, ...samples.filter((s) => s.labels.baton_outcome === 'sent')];
    assert.deepEqual(approverDeliveries(twoReplicas), [
      { channel: 'email', outcome: 'sent', count: 4 },
      { channel: 'sms', outcome: 'failed', count: 1 },
      { channel: 'sms', outcome: 'sent', count: 6 },
    ]);
  });
});
