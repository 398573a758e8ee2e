// `npm run dev` (infra/dev.sh): Baton's services on the profile's local stack until Ctrl-C: the
// gateway, the orchestrator and the console as processes, the agents and simulators in the service
// host (docs/architecture.md). `--workflows a,b` starts only the services those workflows declare
// in their package.json, with Baton's own. Prints where everything is and how to send an event.
//
// When a source file of a started workflow changes (its src/, agents/ or package.json; with every
// workflow: any workflow's or service's sources), the services are stopped, built again and
// started: the orchestrator bundles the changed workflow code, the agents load the changed agents.
// A start that fails (a syntax error, a bad setting) is reported and the next change tries again.
import { watch } from 'node:fs';
import { join, sep } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ServiceSet,
  consoleUsers,
  localWebhookCredentials,
  repoRoot,
  servicesForWorkflows,
  stackEnv,
} from '@baton/testkit';

const { values } = parseArgs({ options: { workflows: { type: 'string' } } });
const workflows = values.workflows
  ? values.workflows
      .split(',')
      .map((w) => w.trim())
      .filter(Boolean)
  : 'all';
const env = stackEnv();
const names = servicesForWorkflows(workflows);
const print = (text = '') => process.stdout.write(`${text}\n`);

let services: ServiceSet | undefined;
async function start(): Promise<void> {
  const started = performance.now();
  try {
    services = await ServiceSet.start(names, { hosted: true, readyTimeoutMs: 180_000 });
    print(
      `dev: ${names.length} services ready in ${((performance.now() - started) / 1000).toFixed(1)} s on profile ${env.BATON_PROFILE}: ${names.join(', ')}`,
    );
  } catch (err) {
    services = undefined;
    print(`dev: the services did not start: ${(err as Error).message}`);
    print('dev: waiting for the next change');
  }
}

await start();
const { source } = localWebhookCredentials();
print(`     their logs: ${join(env.stateDir, 'logs', 'services')}/<service>.log`);
print();
print('Send an event (signed as the local webhook source):');
print(
  `  BATON_GATEWAY_URL=${env.BATON_GATEWAY_URL} BATON_WEBHOOK_SOURCE=${source} BATON_WEBHOOK_SECRET_FILE=${join(env.stateDir, 'webhook-secret')} \\`,
);
print(
  `    infra/pnpm.sh baton events send --type reservation.requested.v1 --data '{"text":"Table for 2, Friday 7pm","customer":{"id":"c-1","name":"Ada","phone":"+44 20 7946 0000"}}'`,
);
print(
  `Approvals:   ${env.BATON_CONSOLE_URL}/inbox   (${Object.values(consoleUsers)
    .map((u) => `${u.username} / ${u.password} as ${u.roles.join(', ')}`)
    .join('; ')})`,
);
print(`Temporal UI: ${env.BATON_TEMPORAL_UI_URL}`);
print(`Traces:      ${env.BATON_ZIPKIN_URL}/zipkin/`);
print(
  "A change to a workflow's sources restarts the services; Ctrl-C stops them, and `bash infra/stack.sh stop` the servers.",
);

// What a change means a restart: the started workflows' sources, or everything's with every workflow.
const roots = workflows === 'all' ? ['workflows', 'services'] : workflows.map((w) => join('workflows', w));
const isSource = (path: string) => {
  const parts = path.split(sep);
  return (
    !parts.some(
      (p) => p === 'dist' || p === 'node_modules' || p === 'test' || p === 'histories' || p.startsWith('.'),
    ) &&
    (parts.includes('src') || parts.includes('agents') || parts.at(-1) === 'package.json')
  );
};
let pending: NodeJS.Timeout | undefined;
let restarting = Promise.resolve();
const watchers = roots.map((root) =>
  watch(join(repoRoot, root), { recursive: true }, (_event, file) => {
    if (!file || !isSource(join(root, file.toString()))) return;
    const changed = join(root, file.toString());
    // An editor's save is several events: one restart after they settle.
    clearTimeout(pending);
    pending = setTimeout(() => {
      restarting = restarting.then(async () => {
        print(`dev: ${changed} changed: restarting the services`);
        await services?.stop();
        await start();
      });
    }, 300);
  }),
);

// `on`, not `once`: execa's exit hook (signal-exit) re-raises a signal that no other listener is
// left to hear, which would end this process before the services are stopped.
await new Promise<void>((resolve) => {
  process.on('SIGINT', () => resolve());
  process.on('SIGTERM', () => resolve());
});
for (const watcher of watchers) watcher.close();
clearTimeout(pending);
await restarting;
print('dev: stopping the services');
await services?.stop();
