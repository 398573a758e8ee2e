// `node packages/service-host/dist/main.js <manifest.json>`: several Baton services in one Node
// process, for local development and the test run only. Thirty-odd agents and simulators as
// processes of their own cost about 130 MB and a second of CPU each at start; here they share one
// runtime. Each still has its own settings, NATS identity, connections, metrics port, service name
// on its spans and log file (@baton/contracts hosting.ts says how); what they share is the heap
// and the event loop, so one service's crash ends them all and a busy one slows the others.
// Production (compose, k8s) runs every service as its own process, from its own main.ts.
//
// Hand-written (no process manager hosts ESM services in one runtime): read the manifest, start
// each group's services side by side inside their scopes, say "ready" once all are, and on SIGTERM
// or SIGINT run every service's shutdown steps before exiting.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { serveAgentModule } from '@baton/agent';
import { loadConfigOrExit, BaseServiceConfig, runHosted, type HostedService } from '@baton/contracts';
import { createLogger } from '@baton/telemetry';
import { HostManifest, type HostedServiceSpec } from './manifest.js';

const SHUTDOWN_BOUND_MS = 10_000;

const path = process.argv[2];
if (!path) {
  process.stderr.write('usage: node packages/service-host/dist/main.js <manifest.json>\n');
  process.exit(64);
}
const parsed = HostManifest.safeParse(JSON.parse(readFileSync(path, 'utf8')));
if (!parsed.success) {
  process.stderr.write(
    `service-host: ${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}\n`,
  );
  process.exit(78);
}
const logger = createLogger(
  'service-host',
  loadConfigOrExit('service-host', BaseServiceConfig.pick({ BATON_LOG_LEVEL: true })).BATON_LOG_LEVEL,
);
const hosted: HostedService[] = [];

async function start(spec: HostedServiceSpec): Promise<void> {
  const service: HostedService = {
    name: spec.name,
    env: { ...process.env, ...spec.env },
    logFile: spec.logFile,
    closers: [],
  };
  hosted.push(service);
  await runHosted(service, async () => {
    if (spec.agentModule) await serveAgentModule(spec.agentModule);
    else await import(pathToFileURL(resolve(spec.main!)).href);
  });
  logger.info({ hosted: spec.name }, 'started');
}

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  const closeAll = Promise.allSettled(
    hosted.map(async (service) => {
      for (const closer of service.closers)
        await closer().catch((err: unknown) => logger.error({ err, hosted: service.name }, 'error during shutdown'));
    }),
  );
  await Promise.race([closeAll, new Promise((done) => setTimeout(done, SHUTDOWN_BOUND_MS).unref())]);
  process.exit(0);
}
process.once('SIGTERM', () => void stop('SIGTERM'));
process.once('SIGINT', () => void stop('SIGINT'));

for (const group of parsed.data.groups) {
  const started = await Promise.allSettled(group.map(start));
  const failed = started.flatMap((r, i) =>
    r.status === 'rejected' ? [`${group[i]!.name}: ${(r.reason as Error)?.message ?? String(r.reason)}`] : [],
  );
  if (failed.length) {
    logger.error({ failed }, 'a hosted service did not start');
    process.exit(1);
  }
}
logger.info({ services: hosted.map((s) => s.name) }, 'ready');
