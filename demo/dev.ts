// `npm run dev` (infra/dev.sh): Baton's services on the profile's local stack until Ctrl-C: the
// gateway, the orchestrator and the console as processes, the agents and simulators in the service
// host (docs/architecture.md). `--workflows a,b` starts only the services those workflows declare
// in their package.json, with Baton's own. Prints where everything is and how to send an event.
import { parseArgs } from 'node:util';
import { ServiceSet, consoleUsers, localWebhookCredentials, servicesForWorkflows, stackEnv } from '@baton/testkit';
import { join } from 'node:path';

const { values } = parseArgs({ options: { workflows: { type: 'string' } } });
const workflows = values.workflows ? values.workflows.split(',').map((w) => w.trim()).filter(Boolean) : 'all';
const env = stackEnv();
const names = servicesForWorkflows(workflows);
const started = performance.now();
const services = await ServiceSet.start(names, { hosted: true, readyTimeoutMs: 180_000 });
const { source } = localWebhookCredentials();
const print = (text = '') => process.stdout.write(`${text}\n`);
print(`dev: ${names.length} services ready in ${((performance.now() - started) / 1000).toFixed(1)} s on profile ${env.BATON_PROFILE}: ${names.join(', ')}`);
print(`     their logs: ${join(env.stateDir, 'logs', 'services')}/<service>.log`);
print();
print('Send an event (signed as the local webhook source):');
print(`  BATON_GATEWAY_URL=${env.BATON_GATEWAY_URL} BATON_WEBHOOK_SOURCE=${source} BATON_WEBHOOK_SECRET_FILE=${join(env.stateDir, 'webhook-secret')} \\`);
print(`    infra/pnpm.sh baton events send --type reservation.requested.v1 --data '{"text":"Table for 2, Friday 7pm","customer":{"id":"c-1","name":"Ada","phone":"+44 20 7946 0000"}}'`);
print(`Approvals:   ${env.BATON_CONSOLE_URL}/inbox   (${Object.values(consoleUsers).map((u) => `${u.username} / ${u.password} as ${u.roles.join(', ')}`).join('; ')})`);
print(`Temporal UI: ${env.BATON_TEMPORAL_UI_URL}`);
print(`Traces:      ${env.BATON_ZIPKIN_URL}/zipkin/`);
print('Ctrl-C stops the services; `bash infra/stack.sh stop` then stops the servers.');

await new Promise<void>((resolve) => {
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
});
print('dev: stopping the services');
await services.stop();
