import { serveAgent } from '@baton/agent';
import { loadConfigOrExit } from '@baton/contracts';
import { PolicyConfig, loadPolicy, policyAgent } from './policy.js';

const config = loadConfigOrExit('agent-contract-policy', PolicyConfig);
let policy;
try {
  policy = loadPolicy(config.BATON_CONTRACT_POLICY_FILE);
} catch (err) {
  process.stderr.write(`agent-contract-policy: ${(err as Error).message}\n`);
  process.exit(78);
}
await serveAgent(policyAgent(config, policy));
