// How full Baton's streams and buckets are, read from the server: the gateway asks before it
// accepts an event it would have to store, and the orchestrator reports every store's fill as a
// gauge (baton_storage_used_ratio and the bytes and messages behind it) for the 80 % alert in
// infra/prometheus/alerts.yml. Limits are configuration (packages/contracts/src/storage.ts).
import type { Meter } from '@opentelemetry/api';
import { STORES, usedRatio, type StoreName, type StoreUsage } from '@baton/contracts';
import type { Logger } from '@baton/telemetry';
import type { Bus } from './connection.js';

/** A store's bytes and messages against its limits, as the server reports them now. */
export async function storeUsage(bus: Bus, store: StoreName): Promise<StoreUsage> {
  const info = await bus.jsm.streams.info(STORES[store].stream);
  return {
    bytes: info.state.bytes,
    msgs: info.state.messages,
    maxBytes: info.config.max_bytes,
    maxMsgs: info.config.max_msgs,
  };
}

/** Gauges of every store's fill, read at each scrape (a store that cannot be read is left out). */
export function observeStorage(meter: Meter, bus: Bus, logger: Logger): void {
  const ratio = meter.createObservableGauge('baton.storage.used_ratio', {
    description:
      'Fill of each Baton stream or bucket: the larger of bytes/max_bytes and messages/max_msgs (alert at 0.8)',
  });
  const bytes = meter.createObservableGauge('baton.storage.used_bytes', {
    description: 'Bytes each Baton stream or bucket holds',
    unit: 'By',
  });
  const limit = meter.createObservableGauge('baton.storage.limit_bytes', {
    description: 'Configured byte limit of each Baton stream or bucket (-1: none)',
    unit: 'By',
  });
  const messages = meter.createObservableGauge('baton.storage.used_messages', {
    description: 'Messages each Baton stream or bucket holds',
  });
  meter.addBatchObservableCallback(
    async (result) => {
      await Promise.all(
        (Object.keys(STORES) as StoreName[]).map(async (store) => {
          try {
            const usage = await storeUsage(bus, store);
            const attrs = { 'baton.store': store, 'baton.stream': STORES[store].stream };
            result.observe(ratio, usedRatio(usage), attrs);
            result.observe(bytes, usage.bytes, attrs);
            result.observe(limit, usage.maxBytes, attrs);
            result.observe(messages, usage.msgs, attrs);
          } catch (err) {
            logger.warn({ store, err: (err as Error).message }, 'could not read a store for the storage metric');
          }
        }),
      );
    },
    [ratio, bytes, limit, messages],
  );
}
