import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const ROOT = resolve(__dirname, '..', '..');
export const SCREENSHOTS = join(ROOT, 'artifacts', 'screenshots');
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };
/** The narrowest phone we promise: no page may scroll sideways at this width. */
export const NARROW = { width: 360, height: 740 };

/** Debian's chromium, installed once (under a lock: jest workers may ask at the same time). */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  execFileSync(
    'flock',
    ['/tmp/chorus-chromium.lock', 'sh', '-c', `test -x ${CHROMIUM} || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)`],
    { stdio: 'inherit', timeout: 15 * 60_000 },
  );
}

/** The built pages (web/dist), rebuilt when older than their sources. */
export function ensureWebBuild(): void {
  execFileSync('bash', [join(ROOT, 'test', 'web', 'build-web.sh')], { stdio: 'inherit', timeout: 5 * 60_000 });
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  close: () => Promise<void>;
}

/** A headless chromium with its own fresh profile directory: no cookies, no cache from anything else. */
export async function openBrowser(options: { locale?: string } = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'chorus-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
    viewport: DESKTOP,
    locale: options.locale ?? 'fr-FR',
    timezoneId: 'Europe/Paris',
  });
  // Generous: on a loaded 2-core CI machine a page step can take several seconds.
  context.setDefaultTimeout(45_000);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** How far the page is wider than its window, in CSS pixels (0: no sideways scroll), and the widest culprits. */
export async function horizontalOverflow(page: Page): Promise<{ overflow: number; culprits: string[] }> {
  // A string, since these tests compile without DOM types.
  return page.evaluate(`(() => {
    const root = document.scrollingElement || document.documentElement;
    const overflow = root.scrollWidth - root.clientWidth;
    const culprits = [];
    if (overflow > 0) {
      for (const el of document.querySelectorAll('body *')) {
        const r = el.getBoundingClientRect();
        if (r.right > root.clientWidth + 1 && r.width > 0) {
          culprits.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') + ' ' + Math.round(r.right) + 'px');
          if (culprits.length >= 8) break;
        }
      }
    }
    return { overflow, culprits };
  })()`);
}

/**
 * What a French-speaking user reads has no raw mention syntax and none of the API's English
 * sentences (the phrases below are those the API and class-validator write).
 */
export async function expectReadable(page: Page, name: string): Promise<void> {
  const lang = await page.getAttribute('html', 'lang');
  const text = await page.innerText('body');
  const raw = /\{\{\s*partner\s*:/.exec(text);
  if (raw) throw new Error(`${name}: raw mention syntax on the page: …${text.slice(Math.max(0, raw.index - 40), raw.index + 40)}…`);
  if (lang !== 'fr') return;
  const english = / must (be|not|contain)| should not |Invalid request|already exists|is in the past|Not published|simulated\)|Token revoked|No such /.exec(text);
  if (english) throw new Error(`${name}: English on a French page: …${text.slice(Math.max(0, english.index - 60), english.index + 60)}…`);
}

let axeScript: string | undefined;
const axeSource = () => (axeScript ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));

/** axe-core's WCAG 2.1 AA rules on the page as it is: every violation, with the elements concerned. */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  const present = await page.evaluate('typeof window.axe === "object"');
  // Evaluated through the debugging protocol: the pages' CSP (script-src 'self') refuses inline scripts.
  if (!present) await page.evaluate(axeSource());
  const result = (await page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] })
    .then((r) => r.violations.map((v) => v.id + ': ' + v.help + ' — ' + v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')))`)) as string[];
  return result;
}

async function settle(page: Page): Promise<void> {
  // Let layout (and Chart.js's resize) settle at the new width before measuring or photographing.
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
}

/**
 * Checks the page at 360 px: readable (no raw syntax, no English on a French page), 0 axe-core
 * violations, no sideways scroll (the test fails with what is wrong), then takes full-page screenshots at desktop and phone widths, as
 * artifacts/screenshots/<name>-{desktop,phone}.png.
 */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.setViewportSize(NARROW);
  await settle(page);
  await expectReadable(page, name);
  const violations = await accessibilityViolations(page);
  if (violations.length) throw new Error(`${name}: axe-core finds ${violations.length} accessibility violation(s) at ${NARROW.width} px:\n${violations.join('\n')}`);
  const narrow = await horizontalOverflow(page);
  if (narrow.overflow > 0) {
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-narrow.png`), fullPage: true });
    throw new Error(`${name}: at ${NARROW.width} px the page is ${narrow.overflow} px too wide (${narrow.culprits.join(', ')})`);
  }
  for (const [label, size] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
    await page.setViewportSize(size);
    await settle(page);
    if (size === DESKTOP) {
      const wide = await accessibilityViolations(page);
      if (wide.length) throw new Error(`${name}: axe-core finds ${wide.length} accessibility violation(s) at ${size.width} px:\n${wide.join('\n')}`);
    }
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize(DESKTOP);
}
