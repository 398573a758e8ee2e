// Shared by the browser suites: Debian's chromium driven by playwright-core, and signing in to
// the console as one of the local stack's people.
import { execFileSync } from 'node:child_process';
import { chromium, type Browser, type Page } from 'playwright-core';
import { stackEnv } from '@baton/testkit';

export function chromiumPath(): string {
  if (process.env.BATON_CHROMIUM) return process.env.BATON_CHROMIUM;
  return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser || command -v google-chrome'], { encoding: 'utf8' }).trim();
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A fresh browser context (its own cookies) signed in as `user`; lands on the inbox. */
export async function signedInPage(browser: Browser, user: { username: string; password: string }): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${stackEnv().BATON_CONSOLE_URL}/inbox`);
  // Not signed in: the console sends us to the sign-in page first.
  await page.waitForURL(/\/login\?next=/);
  await page.fill('input[name=username]', user.username);
  await page.fill('input[name=password]', user.password);
  await page.click('#login button[type=submit]');
  await page.waitForURL(/\/inbox/);
  return page;
}
