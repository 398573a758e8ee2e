// Temporary runner (not committed): the services the trust file needs, then the file attached to them.
import { execa } from 'execa';
import { SHARED_SERVICES_VARIABLE, ServiceSet, servicesForWorkflows } from '@baton/testkit';
const t = Date.now();
const s = await ServiceSet.start(servicesForWorkflows(['reservation', 'samples']), { readyTimeoutMs: 900_000 });
console.log(`services: ${s.byName.size} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
try {
  const r = await execa('node', ['--conditions=baton-source', '--import', 'tsx', '--test', '--test-timeout=600000', ...process.argv.slice(2)], { reject: false, all: true, env: { [SHARED_SERVICES_VARIABLE]: [...s.byName.keys()].join(',') } });
  console.log(r.all);
  console.log('exit', r.exitCode);
} finally {
  await s.stop();
}
