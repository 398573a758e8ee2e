// The addresses of the running local stack, read from the same BATON_* variables infra/env.sh
// exports (the test entry point sources it with BATON_PROFILE=test).
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { loadConfig } from '@baton/contracts';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const StackEnv = z.object({
  BATON_PROFILE: z.string().default('demo'),
  BATON_STATE_DIR: z.string().optional(),
  BATON_NATS_URL: z.string().default('nats://127.0.0.1:4322'),
  BATON_NATS_REPLICAS: z.coerce.number().int().min(1).default(1),
  BATON_NATS_MONITOR_PORT: z.coerce.number().int().default(8322),
  BATON_TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7322'),
  BATON_TEMPORAL_NAMESPACE: z.string().default('default'),
  BATON_TEMPORAL_UI_URL: z.string().default('http://127.0.0.1:8333'),
  /** The local stack's one trace backend (Zipkin): every service exports its spans there, the
   *  trace UI shows them and fetchTrace reads them. */
  BATON_ZIPKIN_URL: z.string().default('http://127.0.0.1:8352'),
  BATON_PROMETHEUS_URL: z.string().default('http://127.0.0.1:8353'),
  BATON_GATEWAY_URL: z.string().default('http://127.0.0.1:8340'),
  BATON_CONSOLE_URL: z.string().default('http://127.0.0.1:8344'),
  BATON_POS_URL: z.string().default('http://127.0.0.1:8341'),
  BATON_MESSAGING_URL: z.string().default('http://127.0.0.1:8342'),
  BATON_PAYMENT_URL: z.string().default('http://127.0.0.1:8343'),
  BATON_METRICS_BASE_PORT: z.coerce.number().int().default(9460),
  BATON_HOST: z.string().default('127.0.0.1'),
});
export type StackEnv = z.infer<typeof StackEnv>;

export function stackEnv(env: Record<string, string | undefined> = process.env): StackEnv & { stateDir: string } {
  const parsed = loadConfig(StackEnv, env);
  return { ...parsed, stateDir: parsed.BATON_STATE_DIR ?? join(repoRoot, '.baton', parsed.BATON_PROFILE) };
}
