// Graceful shutdown for a service: run the closers once on SIGINT/SIGTERM, then exit.
import type { Logger } from 'pino';
import { hostedService } from '@baton/contracts';

export function onShutdown(logger: Logger, closers: Array<() => Promise<unknown>>): void {
  // A service hosted with others: its host runs these when it stops (packages/testkit service-host).
  const hosted = hostedService();
  if (hosted) {
    hosted.closers.push(...closers);
    return;
  }
  let closing = false;
  const close = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    for (const closer of closers) {
      try {
        await closer();
      } catch (err) {
        logger.error({ err }, 'error during shutdown');
      }
    }
    process.exit(0);
  };
  process.once('SIGINT', () => void close('SIGINT'));
  process.once('SIGTERM', () => void close('SIGTERM'));
}
