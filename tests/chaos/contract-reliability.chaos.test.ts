// test-tier: own-services (its agents inject faults set in their environment)
// The reliability report on the contract pipeline: the compounding-failure arithmetic of a
// six-step chain, measured on Baton's own stack. Every step fails 3% of its attempts: the five
// agents before filing by their injected fault (BATON_CONTRACT_FAULT_RATE, a retryable error
// before any work), the filing by the records simulator's own /_faults (a 503 before anything is
// stored). Three ways through the same handlers:
//   - a naive chain: each step once, in this process, no Baton (theory 0.97^6 = 83.30%);
//   - one retry per step, same chain (theory (1 - 0.03^2)^6 = 99.46%);
//   - Baton: the real stack, and on top of the 3%: kill -9 of agents (the filing agent among
//     them) and of the orchestrator, and a NATS restart, while reviews are in flight.
// The records simulator applies every request it gets (idempotency "off"), so a filing repeated
// by anyone shows in its records as a second filing with the same reference: duplicates are
// counted from there, never from what the workflows say.
//
// (Named BATON_CHAOS_*: infra/test.sh passes only those suite settings through.)
// BATON_CHAOS_RELIABILITY_N           Baton reviews (default 12, sized for `npm test`; `npm run reliability`: 2000)
// BATON_CHAOS_RELIABILITY_BASELINE_N  reviews per baseline (default: N, at least 400: they run in
//                                     this process in seconds, and the binomial check needs the count)
// BATON_CHAOS_RELIABILITY_SENDERS     events posted side by side (default 4; `npm run reliability`: 16)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { postEvent, waitFor } from '@baton/testkit';
import { statusQuery } from '@baton/workflow-kit';
import { terminalContractReviewStates, type ContractReviewStatus } from '@baton/workflow-contract-review';
import { CLEAN_CONTRACT, contractEvent } from '@baton/workflow-contract-review/samples';
import { startStack, type Stack } from '../e2e/support.js';
import { records, type FilingRecord } from '../e2e/contract-support.js';
import { CONTRACT_STEPS, contractChain, type ChainOutcome } from './contract-chain.js';
import { restartServer } from './servers.js';

const N = Number(process.env.BATON_CHAOS_RELIABILITY_N ?? 12);
const BASELINE_N = Number(process.env.BATON_CHAOS_RELIABILITY_BASELINE_N ?? Math.max(N, 400));
const SENDERS = Number(process.env.BATON_CHAOS_RELIABILITY_SENDERS ?? 4);
const FAULT_RATE = 0.03;
const STEPS = CONTRACT_STEPS.length;
const THEORY_NAIVE = (1 - FAULT_RATE) ** STEPS;
const THEORY_RETRY = (1 - FAULT_RATE ** 2) ** STEPS;
const AGENTS = [
  'contract-ingest',
  'contract-extract',
  'contract-classify',
  'contract-policy',
  'contract-draft',
  'contract-filing',
];
/** No review reaching an end state for this long after the last fault is a loss, not slowness:
 *  a step's attempt is bounded by 60 s and its backoff by 10 s. */
const QUIET_MS = 180_000;
const SETTLE_BOUND_MS = 600_000 + N * 500;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (k: number, n: number) => `${((100 * k) / n).toFixed(2)}% (${k}/${n})`;

/** The band a binomial count lands in with overwhelming probability: p·n ± 4σ, plus one for
 *  the discreteness at small n. A count outside it means the faults or the chain are not what
 *  the report says they are. */
export function binomialBand(n: number, p: number): { low: number; high: number } {
  const sigma = Math.sqrt(n * p * (1 - p));
  return { low: Math.max(0, Math.floor(n * p - 4 * sigma - 1)), high: Math.min(n, Math.ceil(n * p + 4 * sigma + 1)) };
}

function table(title: string, header: string[], rows: Array<Array<string | number>>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i] ?? '').length)));
  const line = (cells: Array<string | number>) =>
    cells
      .map((c, i) => String(c).padEnd(widths[i]!))
      .join('   ')
      .trimEnd();
  return [title, line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Filings that share one reference (one review's filing step) beyond the first. */
function duplicateFilings(filings: FilingRecord[]): Array<{ reference: string; count: number }> {
  const by = new Map<string, number>();
  for (const f of filings) by.set(f.reference ?? f.filingId, (by.get(f.reference ?? f.filingId) ?? 0) + 1);
  return [...by].filter(([, c]) => c > 1).map(([reference, count]) => ({ reference, count }));
}
const reviewOf = (f: FilingRecord) => (f.reference ?? '').replace(/\/file$/, '');

async function runBaseline(tries: number, label: string): Promise<ChainOutcome[]> {
  const review = contractChain(FAULT_RATE);
  const out: ChainOutcome[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = next++; i < BASELINE_N; i = next++) {
        const event = contractEvent(CLEAN_CONTRACT);
        out.push(await review(event, `${label}-${event.idempotencykey}`, tries));
      }
    }),
  );
  return out;
}

describe(`reliability: ${N} contract reviews through Baton, ${BASELINE_N} per baseline, ${FAULT_RATE * 100}% injected failure per step`, () => {
  let stack: Stack;
  before(async () => {
    // Quick redelivery after a crash, so recovery fits the run; every contract agent fails 3%.
    // Every agent a process of its own: the schedule kills them.
    stack = await startStack({
      workflows: ['contract-review'],
      hosted: false,
      env: {
        BATON_CONTRACT_FAULT_RATE: String(FAULT_RATE),
        BATON_AGENT_ACK_WAIT_MS: '3000',
        BATON_BREAKER_COOLDOWN_MS: '3000',
      },
      readyTimeoutMs: 180_000,
    });
    await records.setIdempotency('off');
    await records.setFaults({ errorRate: FAULT_RATE });
  });
  after(async () => {
    await records.setFaults({ errorRate: 0 }).catch(() => undefined);
    await records.setIdempotency('on').catch(() => undefined);
    await stack?.close();
  });

  it('completes every review through Baton with no filing repeated, while the naive and one-retry chains land on 0.97^6 and (1-0.03^2)^6', async () => {
    const started = Date.now();
    const statsBefore = await records.stats();
    const chaosLog: string[] = [];
    const logged = (what: string) => void chaosLog.push(`${what} @${((Date.now() - started) / 1000).toFixed(0)}s`);

    // --- Baton: events through the gateway, faults spread by progress (filing requests seen).
    const accepted: string[] = [];
    let next = 0;
    const send = async () => {
      for (let i = next++; i < N; i = next++) {
        const event = contractEvent(CLEAN_CONTRACT);
        accepted.push(
          await waitFor(
            `contract event ${i} to be accepted`,
            async () => {
              const answer = await postEvent(event).catch(() => undefined);
              return answer?.status === 202 ? String(answer.body.workflowId) : undefined;
            },
            { timeoutMs: 120_000, intervalMs: 500 },
          ),
        );
      }
    };
    const progress = async () => (await records.stats()).requests - statsBefore.requests;
    const at = async (share: number) => {
      let last = -1;
      let since = Date.now();
      for (;;) {
        const done = await progress().catch(() => last);
        if (done >= Math.ceil(N * share)) return;
        if (done !== last) [last, since] = [done, Date.now()];
        if (Date.now() - since > 60_000) return void logged(`(progress stalled at ${done}/${N})`);
        await sleep(250);
      }
    };
    const kill9 = async (names: string[]) => {
      await Promise.all(names.map((n) => stack.services.get(n).kill9()));
      logged(`kill -9 ${names.join(' + ')}`);
      await sleep(1_000);
      await Promise.all(names.map((n) => stack.services.get(n).start()));
    };
    const chaos = (async () => {
      await at(0.2);
      await kill9(['contract-extract', 'contract-filing']);
      await at(0.4);
      await kill9(['orchestrator']);
      await at(0.6);
      await restartServer('nats');
      logged('restart nats');
      await at(0.8);
      await kill9([AGENTS[Math.floor(Math.random() * AGENTS.length)]!]);
    })();
    await Promise.all([Promise.all(Array.from({ length: SENDERS }, send)), chaos]);
    const chaosOver = Date.now();

    // Every accepted review must reach an end state within a bounded wait.
    const statuses = new Map<string, ContractReviewStatus>();
    const why = new Map<string, string>();
    const open = () => accepted.filter((id) => !terminalContractReviewStates.has(statuses.get(id)?.state ?? ''));
    const look = async (id: string) => {
      const handle = stack.temporal.workflow.getHandle(id);
      try {
        const { status } = await handle.describe();
        if (status.name === 'COMPLETED') statuses.set(id, (await handle.result()) as ContractReviewStatus);
        else if (status.name === 'RUNNING') statuses.set(id, (await handle.query(statusQuery)) as ContractReviewStatus);
        else why.set(id, `workflow ${status.name}`);
        const s = statuses.get(id);
        if (s && !terminalContractReviewStates.has(s.state)) why.set(id, `still "${s.state}" since ${s.stateSince}`);
      } catch (err) {
        why.set(id, `no answer from Temporal (${(err as Error).message})`);
      }
    };
    let lastSettled = -1;
    let quietSince = Date.now();
    while (open().length > 0 && Date.now() - quietSince < QUIET_MS && Date.now() - chaosOver < SETTLE_BOUND_MS) {
      const ids = open();
      for (let i = 0; i < ids.length; i += 8) await Promise.all(ids.slice(i, i + 8).map(look));
      const settled = accepted.length - open().length;
      if (settled !== lastSettled) [lastSettled, quietSince] = [settled, Date.now()];
      if (open().length > 0) await sleep(1_000);
    }
    const batonSeconds = (Date.now() - started) / 1000;
    const statsAfter = await records.stats();
    const ids = new Set(accepted);
    const allFilings = await records.filings();
    const batonFilings = allFilings.filter((f) => ids.has(reviewOf(f)));
    const batonDuplicates = duplicateFilings(batonFilings);
    const filed = accepted.filter((id) => statuses.get(id)?.state === 'Filed');
    const terminal = accepted.filter((id) => terminalContractReviewStates.has(statuses.get(id)?.state ?? ''));
    const filedIds = new Set(batonFilings.map(reviewOf));
    const lostFilings = filed.filter((id) => !filedIds.has(id) || statuses.get(id)?.filing?.filingId === undefined);
    const unreported = [...filedIds].filter((id) => statuses.get(id)?.state !== 'Filed');

    // --- The baselines, at the same fault rates, against the same records system.
    const baselineStart = Date.now();
    const naive = await runBaseline(1, 'naive');
    const retry = await runBaseline(2, 'retry');
    const baselineSeconds = (Date.now() - baselineStart) / 1000;
    const recordsAfter = await records.filings();
    const mine = (label: string) => recordsAfter.filter((f) => reviewOf(f).startsWith(`${label}-`));
    const naiveFiled = naive.filter((o) => o.filed).length;
    const retryFiled = retry.filter((o) => o.filed).length;
    const naiveBand = binomialBand(BASELINE_N, THEORY_NAIVE);
    const retryBand = binomialBand(BASELINE_N, THEORY_RETRY);
    const stepRate = (outcomes: ChainOutcome[]) =>
      CONTRACT_STEPS.map((s) => {
        const attempts = outcomes.reduce((sum, o) => sum + (o.attempts[s] ?? 0), 0);
        const failures = outcomes.reduce((sum, o) => sum + (o.failures[s] ?? 0), 0);
        return attempts ? `${((100 * failures) / attempts).toFixed(1)}%` : 'n/a';
      }).join(' / ');
    const failedAt = (outcomes: ChainOutcome[]) =>
      CONTRACT_STEPS.map((s) => outcomes.filter((o) => o.failedAt === s).length).join(' / ');
    const filingsInjected = statsAfter.requests
      ? `${((100 * (statsAfter.injectedFailures - statsBefore.injectedFailures)) / (statsAfter.requests - statsBefore.requests)).toFixed(1)}% of ${statsAfter.requests - statsBefore.requests}`
      : 'n/a';

    console.log(
      '\n' +
        [
          table(
            `Reliability report: contract review (6 steps), ${FAULT_RATE * 100}% injected failure per step; records system without idempotency keys. Baton run also had: ${chaosLog.join(', ')}.`,
            ['', 'naive chain', 'one retry per step', 'Baton'],
            [
              ['reviews', BASELINE_N, BASELINE_N, N],
              [
                'theory: end-to-end success',
                `${(100 * THEORY_NAIVE).toFixed(2)}% (0.97^6)`,
                `${(100 * THEORY_RETRY).toFixed(2)}% ((1-0.03^2)^6)`,
                '100% (retries until done)',
              ],
              [
                'measured: filed (completed)',
                pct(naiveFiled, BASELINE_N),
                pct(retryFiled, BASELINE_N),
                pct(filed.length, N),
              ],
              [
                '  binomial band (p·n ± 4σ)',
                `${naiveBand.low}..${naiveBand.high}`,
                `${retryBand.low}..${retryBand.high}`,
                '',
              ],
              [
                'measured: reached an end state (terminal)',
                pct(naive.length, BASELINE_N),
                pct(retry.length, BASELINE_N),
                pct(terminal.length, N),
              ],
              [
                `failed attempts per step (${CONTRACT_STEPS.join(' / ')})`,
                stepRate(naive),
                stepRate(retry),
                `filing: ${filingsInjected} requests`,
              ],
              ['reviews that failed, at each step', failedAt(naive), failedAt(retry), accepted.length - filed.length],
              [
                'duplicate filings (records with one reference)',
                duplicateFilings(mine('naive')).length,
                duplicateFilings(mine('retry')).length,
                batonDuplicates.length,
              ],
              [
                'repeated Idempotency-Keys the records system applied',
                '',
                '',
                statsAfter.repeatedKeys - statsBefore.repeatedKeys,
              ],
              [
                'filed but not in the records / in the records but not Filed',
                '',
                '',
                `${lostFilings.length} / ${unreported.length}`,
              ],
              ['wall time', `${baselineSeconds.toFixed(0)} s for both baselines`, '', `${batonSeconds.toFixed(0)} s`],
            ],
          ),
          open().length
            ? `not finished:\n${open()
                .slice(0, 40)
                .map((id) => `  - ${id}: ${why.get(id) ?? 'never looked at'}`)
                .join('\n')}`
            : 'not finished: none',
          batonDuplicates.length
            ? `duplicate filings:\n${batonDuplicates.map((d) => `  - ${d.reference} x${d.count}`).join('\n')}`
            : 'duplicate filings: none',
        ].join('\n') +
        '\n',
    );

    assert.equal(new Set(accepted).size, N, 'every event was accepted, each as its own review');
    assert.deepEqual(open(), [], 'every review reached an end state');
    assert.equal(filed.length, N, 'Baton completed (filed) every review');
    assert.deepEqual(batonDuplicates, [], 'no review filed twice, by the records system');
    assert.equal(batonFilings.length, N, 'one filing per review in the records');
    assert.deepEqual(lostFilings, [], 'every Filed review is in the records');
    assert.equal(chaosLog.filter((l) => !l.startsWith('(')).length, 4, 'every planned fault happened');
    assert.ok(
      naiveFiled >= naiveBand.low && naiveFiled <= naiveBand.high,
      `naive chain filed ${naiveFiled}/${BASELINE_N}, outside ${naiveBand.low}..${naiveBand.high} around 0.97^6`,
    );
    assert.ok(
      retryFiled >= retryBand.low && retryFiled <= retryBand.high,
      `one-retry chain filed ${retryFiled}/${BASELINE_N}, outside ${retryBand.low}..${retryBand.high} around (1-0.03^2)^6`,
    );
    assert.ok(
      naive.some((o) => o.failedAt === 'file') || BASELINE_N < 200,
      'the records system failed some naive filings (its 3% applies)',
    );
  });
});
