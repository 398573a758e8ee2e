// A market-data service, simulated: today's reference interest rates. Its feed lists a rate once
// per publishing source, so the same rate comes more than once and readers remove duplicates.
// Its faults (PUT /_faults: outage, error rate, latency) apply to reads too.
import { sleep, type SimulatorContext } from '@baton/simulator';

export const RATES = [
  { name: 'ECB main refinancing rate', percent: 2.15 },
  { name: 'Euribor 3 months', percent: 2.04 },
  { name: 'Overdraft rate of the house bank', percent: 9.5 },
];

export function registerRates(sim: SimulatorContext): void {
  sim.app.get('/rates', async (req, reply) => {
    if (sim.faults.current.latencyMs) await sleep(sim.faults.current.latencyMs);
    if (sim.faults.shouldFail())
      return reply.code(503).send({ code: 'UNAVAILABLE', message: 'rates is unavailable (injected fault)' });
    const { date } = (req.query ?? {}) as { date?: string };
    // Two publishers carry the ECB rate.
    return {
      asOf: date ?? new Date().toISOString().slice(0, 10),
      rates: [...RATES, { ...RATES[0]!, source: 'second publisher' }],
    };
  });
}
