// Shared by the browser suites: Debian's chromium driven by playwright-core, signing in to the
// console as one of the local stack's people, the accessibility check (axe-core, run inside the
// page), and screenshots at phone and desktop size (in the state folder's screenshots/, which git
// ignores: .baton/<profile>/screenshots).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { stackEnv } from '@baton/testkit';
import { startStack, type Stack, type StackOptions } from '../e2e/support.js';

export function chromiumPath(): string {
  if (process.env.BATON_CHROMIUM) return process.env.BATON_CHROMIUM;
  return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser || command -v google-chrome'], {
    encoding: 'utf8',
  }).trim();
}

/** A phone's viewport (the issue's 375 x 812) and a desktop's. */
export const PHONE = { width: 375, height: 812 } as const;
export const DESKTOP = { width: 1280, height: 900 } as const;

/** Where the browser suites write their screenshots (git ignores .baton/). */
export function screenshotDir(): string {
  const dir = join(stackEnv().stateDir, 'screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Full-page screenshots of what the page shows now, at phone and desktop size
 *  (`<name>-phone.png`, `<name>-desktop.png`); the page is left at the size it had. */
export async function screenshots(page: Page, name: string): Promise<void> {
  const before = page.viewportSize();
  for (const [size, viewport] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: join(screenshotDir(), `${name}-${size}.png`), fullPage: true });
  }
  if (before) await page.setViewportSize(before);
}

/** Asserts the page fits a phone's width: nothing makes it scroll sideways at 375 px. */
export async function assertFitsPhone(page: Page, what: string): Promise<void> {
  const before = page.viewportSize();
  await page.setViewportSize(PHONE);
  const width = await page.evaluate<number>('document.documentElement.scrollWidth');
  if (before) await page.setViewportSize(before);
  assert.ok(width <= PHONE.width, `${what} is ${width} px wide at a ${PHONE.width} px viewport: it scrolls sideways`);
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** Runs axe-core (WCAG 2 A and AA rules and best practices) in the page as it is now, writes the
 *  violations' count to screenshots/axe.txt, and asserts none is serious or critical. Injected
 *  through the DevTools protocol: the console's content security policy allows no inline script. */
export async function assertAccessible(page: Page, name: string): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  // A string, run in the page (this file is compiled without the DOM's types).
  const violations = await page.evaluate<AxeViolation[]>(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => JSON.stringify(n.target)) })))`,
  );
  const grave = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  appendFileSync(
    join(screenshotDir(), 'axe.txt'),
    `${new Date().toISOString()} ${name}: ${violations.length} violation(s), ${grave.length} serious or critical${violations.length ? ` (${violations.map((v) => `${v.id}:${v.impact}`).join(', ')})` : ''}\n`,
  );
  assert.deepEqual(grave, [], `${name}: serious or critical accessibility violations`);
  return violations;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A fresh browser context (its own cookies) signed in as `user`; lands on the inbox. */
export async function signedInPage(
  browser: Browser,
  user: { username: string; password: string },
  viewport?: { width: number; height: number },
): Promise<Page> {
  const context = await browser.newContext(
    viewport ? { viewport, isMobile: viewport.width <= PHONE.width, hasTouch: viewport.width <= PHONE.width } : {},
  );
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
