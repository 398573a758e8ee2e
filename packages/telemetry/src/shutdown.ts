// Graceful shutdown for a service: run the closers once on SIGINT/SIGTERM, then exit.
import type { Logger } from 'pino';

export function onShutdown(logger: Logger, closers: Array<() => Promise<unknown>>): void {
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
