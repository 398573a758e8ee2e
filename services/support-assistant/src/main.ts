// The support escalation's resolution assistant: plays each model turn of its loop through the
// configured model chain (BATON_MODELS ...). With no model configured a turn fails with
// MODEL_NOT_CONFIGURED and the workflow resolves the ticket by its rules.
import { defineModelTurnAgent, serveAgent } from '@baton/agent';
import { supportAgents } from '@baton/workflow-support/contracts';

await serveAgent(defineModelTurnAgent(supportAgents['support-assistant']));
