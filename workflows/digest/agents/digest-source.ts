// digest-source: reads one source of the daily digest as lines keyed by what they are about:
// the day's bookings and covers from the POS, the forecast from the weather service, today's
// rates from the market-data service. Reads only; duplicates are the workflow's to remove.
import { defineAgent } from '@baton/agent';
import { digestAgents, type DigestItem } from '../src/contracts.js';
import { digestAgentConfig } from '../src/agent-config.js';

const config = digestAgentConfig('digest-source');

export default defineAgent(digestAgents['digest-source'], {
  async handle({ source, day }, ctx) {
    const timeoutMs = config.BATON_DIGEST_HTTP_TIMEOUT_MS;
    let items: DigestItem[];
    if (source === 'bookings') {
      const reservations = await ctx.callExternal<
        Array<{ reservationId: string; date: string; time: string; partySize: number; tableId: string }>
      >({ system: 'pos', method: 'GET', url: `${config.BATON_POS_URL}/reservations`, timeoutMs });
      items = reservations
        .filter((r) => r.date === day)
        .sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0))
        .map((r) => ({
          key: `booking:${r.reservationId}`,
          text: `${r.time} party of ${r.partySize} at ${r.tableId}`,
          value: r.partySize,
        }));
    } else if (source === 'weather') {
      const forecast = await ctx.callExternal<{ periods: Array<{ period: string; sky: string; tempC: number }> }>({
        system: 'weather',
        method: 'GET',
        url: `${config.BATON_WEATHER_URL}/forecast?date=${day}`,
        timeoutMs,
      });
      items = forecast.periods.map((p) => ({
        key: `weather:${p.period}`,
        text: `${p.period}: ${p.sky}, ${p.tempC} °C`,
        value: p.tempC,
      }));
    } else {
      const rates = await ctx.callExternal<{ rates: Array<{ name: string; percent: number }> }>({
        system: 'rates',
        method: 'GET',
        url: `${config.BATON_RATES_URL}/rates?date=${day}`,
        timeoutMs,
      });
      items = rates.rates.map((r) => ({
        key: `rate:${r.name}`,
        text: `${r.name}: ${r.percent.toFixed(2)} %`,
        value: r.percent,
      }));
    }
    return { source, items };
  },
});
