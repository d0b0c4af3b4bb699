// The module in a real browser (Debian's Chromium through playwright-core): a classic <script>
// under the strict CSP that tutorial sites use, from a page opened from disk (file://) and from
// http://127.0.0.1; it runs a lesson to the same trace as Node, turns a C++ error into an Error,
// and logs nothing to the console. Over http, the TypeScript API (an ES module) runs too.
// Skipped, with a message, when Chromium or playwright-core is missing.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';

import { startServer } from '../lib/server.mjs';
import { create, modulePath, readExample, root, sha256 } from './helpers.mjs';

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' data:";
const chromiumPath = '/usr/bin/chromium';

function loadPlaywright() {
  try {
    return createRequire(join(root, 'web/package.json'))('playwright-core');
  } catch {
    return null;
  }
}
const playwright = loadPlaywright();
const skip = !existsSync(chromiumPath)
  ? `${chromiumPath} is missing (apt-get install chromium)`
  : !playwright
    ? 'playwright-core is missing (npm ci in web/)'
    : false;
if (skip) console.log(`# browser tests skipped: ${skip}`);

const page = (body) => `<!doctype html>
<html>
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<link rel="icon" href="favicon.ico">
<title>tcpplay module test</title>
</head>
<body>
<pre id="out">loading</pre>
${body}
</body>
</html>
`;

// Runs in the page: the raw module from the classic script.
const classicScript = `(async () => {
  try {
    const m = await TcpPlayModule();
    const p = new m.Playground();
    const errors = JSON.parse(p.load(JSON.stringify(window.EXAMPLE)));
    if (errors.length) throw new Error(JSON.stringify(errors));
    p.runUntil(p.duration());
    const jsonl = p.jsonl();
    let caught = '';
    try { p.apply('{"do": "send", "socket": "nope", "text": "x"}'); } catch (e) { caught = e instanceof Error ? e.message : 'not an Error: ' + e; }
    p.reset();
    p.runUntil(p.duration());
    const again = p.jsonl() === jsonl;
    const pcap = p.pcap();
    p.delete();
    window.RESULT = { ok: true, jsonl, caught, again, pcap: pcap instanceof Uint8Array ? pcap.length : -1 };
  } catch (e) {
    window.RESULT = { ok: false, error: String((e && e.stack) || e) };
  }
  document.getElementById('out').textContent = 'done';
})();
`;

// Runs in the page: the TypeScript API, compiled to an ES module (http only).
const moduleScript = `import { Playground } from './playground.js';
try {
  const pg = await Playground.create();
  const r = pg.load(window.EXAMPLE);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  pg.runUntil('10s');
  const page = pg.eventsSince(0);
  let caught = '';
  try { pg.send('nope', 'x'); } catch (e) { caught = e.message; }
  const snap = pg.snapshot();
  pg.dispose();
  window.RESULT = { ok: true, events: page.events.length, packets: page.events.filter((e) => e.text).length, caught, hosts: snap.hosts.length };
} catch (e) {
  window.RESULT = { ok: false, error: String((e && e.stack) || e) };
}
`;

describe('the module in Chromium under a strict CSP', { skip }, () => {
  let context;
  let dir;
  let server;
  let expected;
  const example = readExample('01-handshake.json');

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tcpplay-browser-'));
    copyFileSync(modulePath, join(dir, 'tcpplay.js'));
    for (const f of ['playground.js', 'feed.js']) copyFileSync(join(root, 'build/api', f), join(dir, f));
    writeFileSync(join(dir, 'favicon.ico'), '');
    writeFileSync(join(dir, 'example.js'), `window.EXAMPLE = ${example};\n`);
    writeFileSync(join(dir, 'classic.js'), classicScript);
    writeFileSync(join(dir, 'api.js'), moduleScript);
    writeFileSync(
      join(dir, 'classic.html'),
      page('<script src="tcpplay.js"></script>\n<script src="example.js"></script>\n<script src="classic.js"></script>'),
    );
    writeFileSync(
      join(dir, 'api.html'),
      page('<script src="tcpplay.js"></script>\n<script src="example.js"></script>\n<script type="module" src="api.js"></script>'),
    );
    server = await startServer(dir);
    context = await playwright.chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
    // The trace Node gives for the same lesson.
    const pg = await create();
    pg.load(example);
    pg.runUntil(pg.duration());
    expected = sha256(pg.jsonl());
    pg.dispose();
  });

  after(async () => {
    await context?.close();
    server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Opens `url`, waits for window.RESULT, and returns it with the console errors seen. */
  async function open(url) {
    const p = await context.newPage();
    const problems = [];
    p.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    p.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    await p.goto(url);
    await p.waitForFunction(() => window.RESULT !== undefined, null, { timeout: 30000 });
    const result = await p.evaluate(() => window.RESULT);
    await p.close();
    return { result, problems };
  }

  function checkClassic({ result, problems }) {
    assert.equal(result.ok, true, result.error);
    assert.equal(sha256(result.jsonl), expected, 'the browser trace differs from Node\'s');
    assert.equal(result.caught, '/timeline/5/socket: unknown socket "nope"');
    assert.equal(result.again, true, 'reset replays the same trace');
    assert.ok(result.pcap > 24);
    assert.deepEqual(problems, []);
  }

  test('classic script from file://', async () => {
    checkClassic(await open(pathToFileURL(join(dir, 'classic.html')).href));
  });

  test('classic script from http://127.0.0.1', async () => {
    checkClassic(await open(`${server.url}classic.html`));
  });

  test('the TypeScript API as an ES module over http', async () => {
    const { result, problems } = await open(`${server.url}api.html`);
    assert.equal(result.ok, true, result.error);
    assert.ok(result.events > 0);
    assert.equal(result.packets, 9);
    assert.match(result.caught, /unknown socket "nope"/);
    assert.equal(result.hosts, 2);
    assert.deepEqual(problems, []);
  });
});
