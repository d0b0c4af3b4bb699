// Seeking in headless Chromium (issue 17): lesson 18 lengthened to a run of at least 200,000
// scheduler events, run to its end, then 100 seeks back to pseudo-random earlier times (a fixed sequence):
// the median and the worst wall time of seek(), and the checkpoint memory. Each seek goes back
// from the end (seek(duration) between two, untimed). Needs the WASM and API builds
// (./scripts/test.sh). Prints the figures and writes build/bench/seek.json.
//   node bench/web/seek_bench.mjs [seeks=100]
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const seeks = Number(process.argv[2] ?? 100);
// Lesson 18 for 52 s instead of 30, each sender with 60 MB to send instead of its few: both
// flows keep sending to the end, over 200,000 scheduler events.
const lesson = JSON.parse(readFileSync(join(root, 'examples/18-congestion-control.json'), 'utf8'));
lesson.duration = process.env.SEEK_DURATION ?? '52s';
for (const a of lesson.timeline) if (a.do === 'send') a.bytes = 60000000;
const require = createRequire(join(root, 'web/package.json'));
const { chromium } = require('playwright-core');

const dir = mkdtempSync(join(tmpdir(), 'tcpplay-seek-bench-'));
copyFileSync(join(root, 'build/wasm/tcpplay.js'), join(dir, 'tcpplay.js'));
for (const f of ['playground.js', 'feed.js']) copyFileSync(join(root, 'build/api', f), join(dir, f));
writeFileSync(join(dir, 'lesson.js'), `window.LESSON = ${JSON.stringify(JSON.stringify(lesson))};`);
writeFileSync(join(dir, 'index.html'), `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">
<script src="tcpplay.js"></script><script src="lesson.js"></script><script type="module" src="bench.js"></script>`);
writeFileSync(join(dir, 'bench.js'), `
import { Playground } from './playground.js';
const pg = await Playground.create();
const r = pg.load(window.LESSON);
if (!r.ok) throw new Error(JSON.stringify(r.errors));
const duration = pg.duration();
const out = {};
let t0 = performance.now();
pg.runUntil(duration);
out.runMs = performance.now() - t0;
out.events = pg.eventsRun();
out.traceEvents = pg.feed(0, 1).end;
out.memory = pg.memoryStats();
let x = 20261207;
const next = () => { x = (Math.imul(x, 1103515245) + 12345) >>> 0; return x / 4294967296; };
out.seekMs = [];
out.targets = [];
for (let i = 0; i < ${seeks}; ++i) {
  const t = Math.floor(next() * duration);
  t0 = performance.now();
  pg.seek(t);
  out.seekMs.push(performance.now() - t0);
  out.targets.push(t);
  if (pg.now() !== t) throw new Error('seek to ' + t + ' ended at ' + pg.now());
  t0 = performance.now();
  pg.seek(duration);
  out.forwardMs = (out.forwardMs ?? []).concat(performance.now() - t0);
}
out.memoryAfter = pg.memoryStats();
window.RESULT = out;
`);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const server = createServer((req, res) => {
  const file = join(dir, req.url === '/' ? 'index.html' : req.url.slice(1));
  try {
    const body = readFileSync(file);
    res.writeHead(200, { 'content-type': file.endsWith('.html') ? 'text/html' : 'text/javascript' });
    res.end(body);
  } catch {
    res.writeHead(404);
    res.end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => window.RESULT, null, { timeout: 300_000 });
  const r = await page.evaluate(() => window.RESULT);
  const mb = (b) => (b / 2 ** 20).toFixed(1);
  const result = {
    duration: lesson.duration,
    events: r.events,
    traceEvents: r.traceEvents,
    runMs: r.runMs,
    seeks: r.seekMs.length,
    seekMsMedian: median(r.seekMs),
    seekMsP95: pct(r.seekMs, 0.95),
    seekMsMax: Math.max(...r.seekMs),
    forwardMsMedian: median(r.forwardMs),
    checkpoints: r.memoryAfter.checkpoints,
    checkpointMB: Number(mb(r.memoryAfter.checkpointBytes)),
    simHeapMB: Number(mb(r.memoryAfter.simHeapBytes)),
    simHeapInUseMB: Number(mb(r.memoryAfter.simHeapInUse)),
    heapUsedMB: Number(mb(r.memoryAfter.heapUsed)),
  };
  console.log(`lesson 18 for ${lesson.duration}: ${r.events} events (${r.traceEvents} trace events), run to the end in ${r.runMs.toFixed(1)} ms (checkpoints included)`);
  console.log(`${result.seeks} seeks back to random times: median ${result.seekMsMedian.toFixed(1)} ms, p95 ${result.seekMsP95.toFixed(1)} ms, worst ${result.seekMsMax.toFixed(1)} ms (forward to the end: median ${result.forwardMsMedian.toFixed(1)} ms)`);
  console.log(`checkpoints: ${result.checkpoints}, ${result.checkpointMB} MB; the simulation's heap ${result.simHeapMB} MB (${result.simHeapInUseMB} MB in use); wasm heap used ${result.heapUsedMB} MB`);
  mkdirSync(join(root, 'build/bench'), { recursive: true });
  writeFileSync(join(root, 'build/bench/seek.json'), JSON.stringify({ ...result, raw: r }, null, 2));
} finally {
  await context.close();
  server.close();
  rmSync(dir, { recursive: true, force: true });
}
