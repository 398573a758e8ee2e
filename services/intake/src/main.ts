import { serveAgent } from '@baton/agent';
import { loadConfigOrExit } from '@baton/contracts';
import { CorrectionIndex, CorrectionStore } from '@baton/corrections';
import { IntakeConfig, intakeAgent } from './intake.js';

const config = loadConfigOrExit('agent-intake', IntakeConfig);
// Built on the agent's own connection (its identity may read the corrections bucket): the
// corrections people made to intake's readings, followed as they are made or revoked.
await serveAgent({
  name: 'intake',
  build: async (bus) => intakeAgent(config, await CorrectionIndex.follow(await CorrectionStore.open(bus))),
});
