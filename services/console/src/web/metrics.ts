// Reads the services' Prometheus endpoints for the operations views: latency percentiles from
// histogram buckets (linear within a bucket, as PromQL's histogram_quantile does), error
// counts by cause, breaker states, and the approver notifier's deliveries.
import { parsePrometheus, type Sample } from '@baton/telemetry';
/** Scrapes every target; a target that does not answer is reported, not fatal. */
export async function scrapeAll(
  targets: Record<string, string>,
  timeoutMs = 3_000,
): Promise<{ samples: Sample[]; unreachable: string[] }> {
  const samples: Sample[] = [];
  const unreachable: string[] = [];
  await Promise.all(
    Object.entries(targets).map(async ([service, url]) => {
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
        if (!response.ok) throw new Error(String(response.status));
        for (const s of parsePrometheus(await response.text()))
          samples.push({ ...s, labels: { ...s.labels, service } });
      } catch {
        unreachable.push(service);
      }
    }),
  );
  return { samples, unreachable };
}

/** The q-quantile (0..1) of a cumulative histogram given as (upper bound, count) pairs. */
export function quantile(q: number, buckets: Array<{ le: number; count: number }>): number | undefined {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (total === 0) return undefined;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const b of sorted) {
    if (b.count >= rank) {
      if (!Number.isFinite(b.le)) return lowerBound;
      const inBucket = b.count - lowerCount;
      return inBucket === 0 ? b.le : lowerBound + ((b.le - lowerBound) * (rank - lowerCount)) / inBucket;
    }
    lowerBound = b.le;
    lowerCount = b.count;
  }
  return lowerBound;
}

export interface AgentLatency {
  agent: string;
  count: number;
  p50?: number;
  p95?: number;
  p99?: number;
}

export function latencyByAgent(samples: Sample[]): AgentLatency[] {
  const byAgent = new Map<string, Map<number, number>>();
  for (const s of samples) {
    if (s.name !== 'baton_agent_task_duration_seconds_bucket') continue;
    const agent = s.labels.baton_agent ?? '?';
    const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
    const buckets = byAgent.get(agent) ?? new Map<number, number>();
    buckets.set(le, (buckets.get(le) ?? 0) + s.value);
    byAgent.set(agent, buckets);
  }
  return [...byAgent.entries()]
    .map(([agent, buckets]) => {
      const list = [...buckets.entries()].map(([le, count]) => ({ le, count }));
      return {
        agent,
        count: Math.max(0, ...list.map((b) => b.count)),
        p50: quantile(0.5, list),
        p95: quantile(0.95, list),
        p99: quantile(0.99, list),
      };
    })
    .sort((a, b) => a.agent.localeCompare(b.agent));
}

export function errorsByCause(samples: Sample[]): Array<{ agent: string; code: string; count: number }> {
  return samples
    .filter((s) => s.name === 'baton_agent_task_errors_total' && s.value > 0)
    .map((s) => ({ agent: s.labels.baton_agent ?? '?', code: s.labels.baton_error_code ?? '?', count: s.value }))
    .sort((a, b) => b.count - a.count);
}

const BREAKER = ['closed', 'half-open', 'open'];
export function breakerStates(samples: Sample[]): Array<{ agent: string; system: string; state: string }> {
  return samples
    .filter((s) => s.name === 'baton_breaker_state')
    .map((s) => ({
      agent: s.labels.baton_agent ?? '?',
      system: s.labels.baton_external_system ?? '?',
      state: BREAKER[s.value] ?? String(s.value),
    }))
    .sort((a, b) => `${a.system}${a.agent}`.localeCompare(`${b.system}${b.agent}`));
}

/** People told that a gate waits for them (services/approver-notify), per channel and outcome:
 *  `sent`, `replayed` (already sent, found in the ledger) and `failed` (the notice is retried). */
export function approverDeliveries(samples: Sample[]): Array<{ channel: string; outcome: string; count: number }> {
  const counts = new Map<string, number>();
  for (const s of samples) {
    if (s.name !== 'baton_approver_notify_deliveries_total') continue;
    const key = `${s.labels.baton_channel ?? '?'} ${s.labels.baton_outcome ?? '?'}`;
    counts.set(key, (counts.get(key) ?? 0) + s.value);
  }
  return [...counts.entries()]
    .map(([key, count]) => {
      const [channel = '?', outcome = '?'] = key.split(' ');
      return { channel, outcome, count };
    })
    .sort((a, b) => `${a.channel} ${a.outcome}`.localeCompare(`${b.channel} ${b.outcome}`));
}
