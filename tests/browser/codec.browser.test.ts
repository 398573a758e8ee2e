// The Temporal web UI shows decrypted payloads to a signed-in operator, through the console's
// codec endpoint (baton-temporal's UI is given <console>/codec and tells the browser to send its
// credentials), with nothing set in the UI's codec settings: the guest's name and allergy appear
// on the workflow's page. The UI itself is behind the console's sign-in
// (infra/temporal/server/ui.go): a browser without a session is sent to the console's sign-in and
// back to the UI, in a real browser (the session cookie, host-only, reaches the UI's port); a
// person without the operator role gets neither the UI nor anything decoded from the endpoint.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { consoleUsers, postEvent, reservationEvent, stackEnv } from '@baton/testkit';
import { waitForState } from '../e2e/support.js';
import { browserSession, signedInPage } from './support.js';

describe('Temporal UI through the codec server (headless Chromium)', () => {
  const session = browserSession();

  it('shows a signed-in operator the decoded input, and refuses to decode for anyone else', async () => {
    const event = reservationEvent('Table for 2, Sunday 1pm, allergic to sesame');
    const guest = { ...event.data.customer, name: 'Hedy Lamarr-Codec' };
    const workflowId = String(
      (await postEvent({ ...event, data: { ...event.data, customer: guest } })).body.workflowId,
    );
    await waitForState(session.stack, workflowId, 'Awaiting approval');
    const url = `${stackEnv().BATON_TEMPORAL_UI_URL}/namespaces/${stackEnv().BATON_TEMPORAL_NAMESPACE}/workflows/${encodeURIComponent(workflowId)}`;

    const operator = await signedInPage(session.browser, consoleUsers.operator);
    const decodes: number[] = [];
    operator.on('response', (r) => {
      if (r.url().endsWith('/codec/decode')) decodes.push(r.status());
    });
    await operator.goto(url);
    await operator.getByText(guest.name).first().waitFor({ timeout: 30_000 });
    await operator.getByText('sesame').first().waitFor({ timeout: 30_000 });
    assert.ok(
      decodes.length > 0 && decodes.every((s) => s === 200),
      `the UI decoded through the console (${decodes.join(', ')})`,
    );

    // A host's session: the UI refuses the page (403), and the codec endpoint decodes nothing for it.
    const host = await signedInPage(session.browser, consoleUsers.host);
    const shown = await host.goto(url);
    assert.equal(shown?.status(), 403, 'the UI is for operators');
    assert.equal(await host.getByText(guest.name).count(), 0);
    const decoded = await host.request.post(`${stackEnv().BATON_CONSOLE_URL}/codec/decode`, { data: { payloads: [] } });
    assert.equal(decoded.status(), 403, 'the codec endpoint decodes nothing for a host');
  });

  it('sends a browser without a session to the console sign-in, and back to the UI page after it', async () => {
    const context = await session.browser.newContext();
    const page = await context.newPage();
    const url = `${stackEnv().BATON_TEMPORAL_UI_URL}/namespaces/${stackEnv().BATON_TEMPORAL_NAMESPACE}/workflows`;
    await page.goto(url);
    await page.waitForURL((u) => u.href.startsWith(`${stackEnv().BATON_CONSOLE_URL}/login?next=`));
    await page.fill('input[name=username]', consoleUsers.operator.username);
    await page.fill('input[name=password]', consoleUsers.operator.password);
    await page.click('#login button[type=submit]');
    // Back on the UI's port, served: the browser sent the console's cookie there.
    await page.waitForURL((u) => u.href.startsWith(url));
    const listed = await page.request.get(
      `${stackEnv().BATON_TEMPORAL_UI_URL}/api/v1/namespaces/${stackEnv().BATON_TEMPORAL_NAMESPACE}/workflows`,
    );
    assert.equal(listed.status(), 200, "the UI's API answers the signed-in operator's browser");
    await context.close();
  });
});
