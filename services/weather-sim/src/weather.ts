// A weather service, simulated: the forecast for a day, in periods. Like many feeds it repeats
// itself (a period may come twice, when a station reports late), so readers must remove
// duplicates. Deterministic per date, so a test can name what the digest says. Its faults
// (PUT /_faults: outage, error rate, latency) apply to reads too.
import { createHash } from 'node:crypto';
import { sleep, type SimulatorContext } from '@baton/simulator';

const SKIES = ['sunny', 'cloudy', 'light rain', 'showers', 'windy', 'fog in the morning'];

export function forecastOf(date: string) {
  const seed = createHash('sha256').update(date).digest();
  const periods = ['morning', 'afternoon', 'evening'].map((period, i) => ({
    period,
    sky: SKIES[seed[i]! % SKIES.length]!,
    tempC: 4 + (seed[i + 3]! % 18),
  }));
  // The evening report arrives twice.
  return { date, periods: [...periods, periods[2]!] };
}

export function registerWeather(sim: SimulatorContext): void {
  sim.app.get('/forecast', async (req, reply) => {
    if (sim.faults.current.latencyMs) await sleep(sim.faults.current.latencyMs);
    if (sim.faults.shouldFail())
      return reply.code(503).send({ code: 'UNAVAILABLE', message: 'weather is unavailable (injected fault)' });
    const { date } = (req.query ?? {}) as { date?: string };
    if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date))
      return reply.code(400).send({ code: 'INVALID_QUERY', message: 'date=YYYY-MM-DD is required' });
    return forecastOf(date);
  });
}
