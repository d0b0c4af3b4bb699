// Shared by the page's browser tests (tests/web) and the benchmark (web/scripts/bench.mjs):
// Debian's Chromium through playwright-core, a local http server, and a page opener that
// records console errors, page errors and CSP violations.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { startServer as startFolderServer } from '../lib/server.mjs';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const webDir = join(root, 'build/web');
export const indexPath = join(webDir, 'index.html');
export const artifacts = join(root, 'build/test-artifacts');
export const chromiumPath = '/usr/bin/chromium';
export const fileUrl = pathToFileURL(indexPath).href;

function loadPlaywright() {
  try {
    return createRequire(join(root, 'web/package.json'))('playwright-core');
  } catch {
    return null;
  }
}
export const playwright = loadPlaywright();

/** Why the browser tests cannot run here, or false. */
export const skip = !existsSync(chromiumPath)
  ? `${chromiumPath} is missing (apt-get install chromium)`
  : !playwright
    ? 'playwright-core is missing (npm ci in web/)'
    : !existsSync(indexPath)
      ? `${indexPath} is missing (cd web && npm run build)`
      : false;

/** The static server for build/web (or another folder); { url, stop }. */
export function startServer(dir = webDir) {
  return startFolderServer(dir);
}

/** A headless Chromium with a fresh profile; { context, close }. */
export async function launch(viewport = { width: 1280, height: 720 }) {
  const dir = mkdtempSync(join(tmpdir(), 'tcpplay-web-'));
  const context = await playwright.chromium.launchPersistentContext(dir, {
    executablePath: chromiumPath,
    headless: true,
    viewport,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Opens the playground at `url` and waits until its first lesson is shown. `problems` collects
 * console errors and warnings, page errors and CSP violations. `tour`: keep the first-visit tour.
 * `keepWork`: keep the work another page saved before (tests share a browser profile, so by
 * default a new page starts without saved work, lesson 1 at 0 s; its reloads keep its work).
 */
export async function openPlayground(context, url, { tour = false, keepWork = false } = {}) {
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.addInitScript(([keepTour, keepSaved]) => {
    window.__csp = [];
    // Once per tab (sessionStorage survives a reload): a reload keeps the work, as for a person.
    if (!keepSaved && !sessionStorage.getItem('tcpplay.test.fresh')) {
      try {
        sessionStorage.setItem('tcpplay.test.fresh', '1');
        for (const k of Object.keys(localStorage)) if (k.startsWith('tcpplay.work.')) localStorage.removeItem(k);
      } catch {
        // storage may be off
      }
    }
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective}: ${e.blockedURI}`));
    if (!keepTour) {
      try {
        localStorage.setItem('tcpplay.tour.done', '1');
      } catch {
        // file:// may refuse storage; the tour then shows
      }
    }
  }, [tour, keepWork]);
  await page.goto(url);
  await page.waitForFunction(() => document.querySelector('tcp-playground')?.controller?.lesson, null, { timeout: 30000 });
  return { page, problems };
}

/** Every CSP violation the page saw, with the console problems. */
export async function allProblems(page, problems) {
  const csp = await page.evaluate(() => window.__csp ?? []);
  return [...problems, ...csp.map((c) => `csp: ${c}`)];
}

/** The ladder's accessible text twin: [{ kind, text, host, to, label, time }]. */
export function ladderTwin(page) {
  return page.evaluate(() =>
    [...document.querySelector('tcp-playground').shadowRoot.querySelector('tp-ladder').shadowRoot.querySelectorAll('.twin li')].map((li) => ({
      kind: li.dataset.kind,
      text: li.textContent,
      host: li.dataset.host,
      to: li.dataset.to,
      label: li.dataset.label,
      time: Number(li.dataset.time),
    })),
  );
}

/** Waits until the twin satisfies `pred` (it is refreshed at most every 200 ms). */
export async function waitTwin(page, pred, timeout = 10000) {
  const end = Date.now() + timeout;
  let twin = [];
  while (Date.now() < end) {
    twin = await ladderTwin(page);
    if (pred(twin)) return twin;
    await page.waitForTimeout(100);
  }
  return twin;
}

/** The clock's text ("1.000000 s"). */
export function clock(page) {
  return page.locator('tcp-playground tp-time-controls .clock').textContent();
}

/** Virtual time now (ns) and state of the element's engine. */
export function engineState(page) {
  return page.evaluate(() => {
    const c = document.querySelector('tcp-playground').controller;
    return { now: c.now, playing: c.playing, seeking: c.seeking, atEnd: c.atEnd, lesson: c.lesson.id, events: c.model.n };
  });
}

export function screenshot(page, name) {
  mkdirSync(artifacts, { recursive: true });
  return page.screenshot({ path: join(artifacts, name) });
}
