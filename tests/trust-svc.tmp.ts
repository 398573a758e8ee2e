import { ServiceSet } from '@baton/testkit';
const s = await ServiceSet.start(['orchestrator', 'gateway'], { readyTimeoutMs: 120_000 }).catch((e) => { console.error('FAILED', e.message); return undefined; });
console.log('started', Boolean(s));
await s?.stop();
