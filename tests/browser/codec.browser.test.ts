// The Temporal web UI shows decrypted payloads to a signed-in operator, through the console's
// codec endpoint (the dev server runs with --ui-codec-endpoint <console>/codec): the guest's name
// and allergy appear on the workflow's page. A person without the operator role gets nothing
// decoded from the same endpoint.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { consoleUsers, postEvent, reservationEvent, stackEnv } from '@baton/testkit';
import { waitForState } from '../e2e/support.js';
import { browserSession, signedInPage } from './support.js';

/** What an operator sets in the Temporal UI's codec settings (the UI keeps them in local storage):
 *  the console's codec endpoint as their browser's setting, with "include cross-origin
 *  credentials", so the browser sends the console's session cookie along. (The dev server's
 *  --ui-codec-endpoint alone makes the UI call the endpoint without credentials: 401.) */
async function codecSettings(context: BrowserContext): Promise<void> {
  const uiOrigin = new URL(stackEnv().BATON_TEMPORAL_UI_URL).origin;
  const settings = { endpoint: JSON.stringify(`${stackEnv().BATON_CONSOLE_URL}/codec`), overrideRemoteCodecConfiguration: 'true', includeCredentials: 'true' };
  await context.addInitScript({
    content: `if (location.origin === ${JSON.stringify(uiOrigin)}) for (const [k, v] of Object.entries(${JSON.stringify(settings)})) localStorage.setItem(k, v);`,
  });
}

describe('Temporal UI through the codec server (headless Chromium)', () => {
  const session = browserSession();

  it('shows a signed-in operator the decoded input, and refuses to decode for anyone else', async () => {
    const event = reservationEvent('Table for 2, Sunday 1pm, allergic to sesame');
    const guest = { ...event.data.customer, name: 'Hedy Lamarr-Codec' };
    const workflowId = String((await postEvent({ ...event, data: { ...event.data, customer: guest } })).body.workflowId);
    await waitForState(session.stack, workflowId, 'Awaiting approval');
    const url = `${stackEnv().BATON_TEMPORAL_UI_URL}/namespaces/${stackEnv().BATON_TEMPORAL_NAMESPACE}/workflows/${encodeURIComponent(workflowId)}`;

    const operator = await signedInPage(session.browser, consoleUsers.operator);
    await codecSettings(operator.context());
    const decodes: number[] = [];
    operator.on('response', (r) => {
      if (r.url().endsWith('/codec/decode')) decodes.push(r.status());
    });
    await operator.goto(url);
    await operator.getByText(guest.name).first().waitFor({ timeout: 30_000 });
    await operator.getByText('sesame').first().waitFor({ timeout: 30_000 });
    assert.ok(decodes.length > 0 && decodes.every((s) => s === 200), `the UI decoded through the console (${decodes.join(', ')})`);

    // The same endpoint, asked by a host's session: 403, nothing decoded.
    const host = await signedInPage(session.browser, consoleUsers.host);
    await codecSettings(host.context());
    const refused = host.waitForResponse((r) => r.url().endsWith('/codec/decode'));
    await host.goto(url);
    assert.equal((await refused).status(), 403);
    assert.equal(await host.getByText(guest.name).count(), 0);
  });
});
