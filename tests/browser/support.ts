// Shared by the browser suites: Debian's chromium driven by playwright-core, and signing in to
// the console as one of the local stack's people.
import { execFileSync } from 'node:child_process';
import { after, before } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { stackEnv } from '@baton/testkit';
import { startStack, type Stack, type StackOptions } from '../e2e/support.js';

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

/** The stack and a headless Chromium for the suite it is called in: started before the suite's
 *  tests, closed after them. Read `stack` and `browser` inside tests and hooks. */
export function browserSession(options: StackOptions = {}): { readonly stack: Stack; readonly browser: Browser } {
  let stack: Stack | undefined;
  let browser: Browser | undefined;
  before(async () => {
    stack = await startStack(options);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });
  const started = <T>(what: string, value: T | undefined): T => {
    if (value === undefined) throw new Error(`the browser session's ${what} is read before the suite started`);
    return value;
  };
  return {
    get stack() {
      return started('stack', stack);
    },
    get browser() {
      return started('browser', browser);
    },
  };
}
