// CRM lookup: the ticket's customer from the CRM, through the CRM's circuit breaker (more than
// 30% failures over the last 10 calls opens it). Every successful read is written to a
// JetStream KV cache with the time it was read. While the breaker is open the agent answers
// from that cache, saying so and how old the data is, so the person who sees the case knows;
// with nothing cached (or only data older than BATON_CRM_CACHE_MAX_AGE_MS) it fails with
// CUSTOMER_UNAVAILABLE and the workflow takes the case to a person. A failure while the
// breaker is still closed is retried by the step (each attempt is one more call the breaker
// counts), so a CRM that is merely slow for a moment is not answered from stale data.
import { z } from 'zod';
import { Kvm, type KV } from '@nats-io/kv';
import { AgentError, defineAgent } from '@baton/agent';
import type { Bus } from '@baton/bus';
import { supportAgents, type CustomerLookup, type CustomerRecord } from '@baton/workflow-support/contracts';

export const CrmAgentConfig = z.object({
  BATON_CRM_URL: z.url().default('http://127.0.0.1:8345'),
  BATON_CRM_TIMEOUT_MS: z.coerce.number().int().positive().default(2_000),
  /** Cached data older than this is not used: the case goes to a person instead. */
  BATON_CRM_CACHE_MAX_AGE_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(7 * 24 * 3600_000),
});

/** The cache bucket: one entry per customer, the last successful CRM read. */
export const CRM_CACHE_BUCKET = 'baton_support_crm_cache';

export interface CachedCustomer {
  customer: CustomerRecord;
  fetchedAt: string;
}

export async function openCrmCache(bus: Bus): Promise<KV> {
  // An entry not refreshed by a CRM read for 30 days is gone (it is too old to serve anyway).
  return new Kvm(bus.js).create(CRM_CACHE_BUCKET, { history: 1, replicas: bus.replicas, ttl: 30 * 24 * 3600_000 });
}

/** KV keys allow only [-/_=.A-Za-z0-9]: customer ids are encoded. */
export const cacheKey = (customerId: string) => Buffer.from(customerId).toString('base64url');

export async function crmAgent(config: z.output<typeof CrmAgentConfig>, bus: Bus) {
  const cache = await openCrmCache(bus);
  return defineAgent(supportAgents['crm-lookup'], {
    async handle({ customerId }, ctx): Promise<CustomerLookup> {
      try {
        const record = await ctx.callExternal<CustomerRecord & Record<string, unknown>>({
          system: 'crm',
          method: 'GET',
          url: `${config.BATON_CRM_URL}/customers/${encodeURIComponent(customerId)}`,
          timeoutMs: config.BATON_CRM_TIMEOUT_MS,
        });
        const customer: CustomerRecord = {
          customerId: record.customerId,
          name: record.name,
          email: record.email,
          tier: record.tier,
          since: record.since,
        };
        const fetchedAt = new Date().toISOString();
        // The cache is a fallback: failing to write it must not fail a good read.
        await cache
          .put(cacheKey(customerId), JSON.stringify({ customer, fetchedAt } satisfies CachedCustomer))
          .catch((err: unknown) => ctx.logger.warn({ err }, 'crm cache not written'));
        return { source: 'crm', customer, fetchedAt, ageMs: 0 };
      } catch (err) {
        if (!(err instanceof AgentError) || err.code !== 'BREAKER_OPEN') throw err;
        const entry = await cache.get(cacheKey(customerId));
        const cached = entry && entry.operation === 'PUT' ? entry.json<CachedCustomer>() : undefined;
        const ageMs = cached ? Math.max(0, Date.now() - Date.parse(cached.fetchedAt)) : undefined;
        if (!cached || ageMs === undefined || ageMs > config.BATON_CRM_CACHE_MAX_AGE_MS) {
          throw new AgentError(
            'CUSTOMER_UNAVAILABLE',
            `the CRM is unavailable (circuit breaker open) and ${cached ? 'the cached data is too old to use' : `nothing is cached for ${customerId}`}`,
            false,
          );
        }
        ctx.span.setAttribute('baton.crm.source', 'cache');
        ctx.logger.info({ ageMs }, 'customer answered from the cache: the CRM breaker is open');
        return {
          source: 'cache',
          customer: cached.customer,
          fetchedAt: cached.fetchedAt,
          ageMs,
          note: 'the CRM is unavailable: its circuit breaker is open',
        };
      }
    },
  });
}
