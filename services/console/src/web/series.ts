// The operations page's charts read history from Prometheus (the services' own endpoints only
// hold the counters of now): success rate and step latency over the chosen window, as a few
// query_range series. Without BATON_PROMETHEUS_URL the page shows its tables and says so.
export interface Series {
  label: string;
  /** One value per timestamp of the chart (null where Prometheus had none). */
  values: Array<number | null>;
}

export interface ChartData {
  /** Unix seconds. */
  timestamps: number[];
  success: Series[];
  latencyP95: Series[];
}

interface RangeResult {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

async function queryRange(
  prometheusUrl: string,
  query: string,
  start: number,
  end: number,
  step: number,
): Promise<RangeResult[]> {
  const url = `${prometheusUrl.replace(/\/$/, '')}/api/v1/query_range?${new URLSearchParams({ query, start: String(start), end: String(end), step: String(step) })}`;
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`Prometheus answered ${res.status} to ${query}`);
  const body = (await res.json()) as { status: string; data?: { result?: RangeResult[] } };
  return body.data?.result ?? [];
}

function align(results: RangeResult[], label: (m: Record<string, string>) => string, timestamps: number[]): Series[] {
  return results.map((r) => {
    const byTime = new Map(r.values.map(([t, v]) => [Math.round(t), Number(v)]));
    return {
      label: label(r.metric),
      values: timestamps.map((t) => (Number.isFinite(byTime.get(t)) ? byTime.get(t)! : null)),
    };
  });
}

/** About 120 points across the window, each over at least a minute of samples. */
export async function chartData(prometheusUrl: string, windowMs: number, now = Date.now()): Promise<ChartData> {
  const step = Math.max(15, Math.round(windowMs / 1000 / 120));
  // Ends now, not at a step boundary: the newest scrape is in the last point.
  const end = Math.floor(now / 1000);
  const start = end - Math.floor(windowMs / 1000 / step) * step;
  const timestamps: number[] = [];
  for (let t = start; t <= end; t += step) timestamps.push(t);
  const range = `${Math.max(60, step * 2)}s`;
  const [success, latency] = await Promise.all([
    queryRange(
      prometheusUrl,
      `sum by (baton_workflow_type) (increase(baton_workflows_ended_total{baton_outcome="confirmed"}[${range}])) / sum by (baton_workflow_type) (increase(baton_workflows_ended_total[${range}]))`,
      start,
      end,
      step,
    ),
    queryRange(
      prometheusUrl,
      `histogram_quantile(0.95, sum by (le, baton_agent) (rate(baton_agent_task_duration_seconds_bucket[${range}])))`,
      start,
      end,
      step,
    ),
  ]);
  return {
    timestamps,
    success: align(success, (m) => m.baton_workflow_type ?? 'all', timestamps).map((s) => ({
      ...s,
      values: s.values.map((v) => (v === null ? null : v * 100)),
    })),
    latencyP95: align(latency, (m) => m.baton_agent ?? '?', timestamps).map((s) => ({
      ...s,
      values: s.values.map((v) => (v === null ? null : v * 1000)),
    })),
  };
}
