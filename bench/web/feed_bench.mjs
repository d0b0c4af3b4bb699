// The live page's engine API in headless Chromium (issue "Engine API for a live page (1 of 2)"):
//  1. feed throughput: events per second from pg.feed() into JavaScript (and eventsSince's JSON
//     for comparison), over lesson 18's whole trace;
//  2. lesson 18 played at 1,000x: per frame, the engine (runUntil with a 3.5 ms budget: the feed costs about as much as the engine per event) plus the
//     feed of the new events, timed over every frame, with long tasks counted;
//  3. lesson 18 run to its end natively (the CLI) and in Chromium.
// Needs the native, WASM and API builds (./scripts/test.sh). Prints a table and writes
// build/bench/feed.json.
//   node bench/web/feed_bench.mjs [runs=5]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const runs = Number(process.argv[2] ?? 5);
const lesson = readFileSync(join(root, 'examples/18-congestion-control.json'), 'utf8');
const require = createRequire(join(root, 'web/package.json'));
const { chromium } = require('playwright-core');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

// --- native --------------------------------------------------------------------------------------
const nativeTimes = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const r = spawnSync(join(root, 'build/native/tcpplay'), ['run', join(root, 'examples/18-congestion-control.json'), '--format', 'summary']);
  if (r.status !== 0) throw new Error(String(r.stderr));
  nativeTimes.push(performance.now() - t0);
}

// --- the page ------------------------------------------------------------------------------------
const dir = mkdtempSync(join(tmpdir(), 'tcpplay-feed-bench-'));
copyFileSync(join(root, 'build/wasm/tcpplay.js'), join(dir, 'tcpplay.js'));
for (const f of ['playground.js', 'feed.js']) copyFileSync(join(root, 'build/api', f), join(dir, f));
writeFileSync(join(dir, 'lesson.js'), `window.LESSON = ${JSON.stringify(lesson)};`);
writeFileSync(join(dir, 'index.html'), `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">
<script src="tcpplay.js"></script><script src="lesson.js"></script><script type="module" src="bench.js"></script>`);
writeFileSync(join(dir, 'bench.js'), `
import { Playground } from './playground.js';
const RUNS = ${runs};
const PAGE = ${Number(process.env.FEED_PAGE ?? 16384)};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pg = await Playground.create();
pg.load(window.LESSON);
const duration = pg.duration();
const out = {};

// 3. The whole lesson in Chromium.
const runTimes = [];
for (let i = 0; i < RUNS; i++) {
  pg.reset();
  const t0 = performance.now();
  pg.runUntil(duration);
  runTimes.push(performance.now() - t0);
}
out.runMs = runTimes;

// 1. Feed throughput over the whole trace, in pages of 16,384.
const feedTimes = [];
let total = 0;
for (let i = 0; i < RUNS; i++) {
  let cursor = 0, n = 0;
  const t0 = performance.now();
  for (;;) {
    const page = pg.feed(cursor, PAGE);
    if (page.count === 0) break;
    n += page.count;
    cursor = page.next;
  }
  feedTimes.push(performance.now() - t0);
  total = n;
}
out.events = total;
out.feedMs = feedTimes;
// The engine's share: filling the columns, without copying them into JavaScript.
{
  const raw = pg.raw;
  const fillTimes = [];
  for (let i = 0; i < RUNS; i++) {
    let cursor = 0;
    const t0 = performance.now();
    for (;;) {
      const page = raw.feedFill(cursor, PAGE);
      if (page.count === 0) break;
      cursor = page.next;
    }
    fillTimes.push(performance.now() - t0);
  }
  out.fillMs = fillTimes;
}
{
  let cursor = 0, n = 0;
  const t0 = performance.now();
  for (;;) {
    const page = pg.eventsSince(cursor, 65536);
    if (page.events.length === 0) break;
    n += page.events.length;
    cursor = page.next;
  }
  out.jsonMs = performance.now() - t0;
}

// 2. Played at 1,000x: each frame advances 1,000 x the wall time since the last frame, within a
// 3.5 ms engine budget, then reads the new events.
const longTasks = [];
new PerformanceObserver((l) => { for (const e of l.getEntries()) longTasks.push(e.duration); })
  .observe({ type: 'longtask', buffered: false });
pg.reset();
const frames = [];
let cursor = 0, target = 0, last = performance.now();
const t0 = performance.now();
await new Promise((done) => {
  function frame(ts) {
    const w0 = performance.now();
    target = Math.min(duration, target + Math.round((w0 - last) * 1000 * 1e6));
    last = w0;
    pg.runUntil(Math.max(target, pg.now()), { maxMs: 3.5 });
    for (;;) {
      const page = pg.feed(cursor, PAGE);
      if (page.count === 0) break;
      cursor = page.next;
    }
    frames.push(performance.now() - w0);
    if (pg.now() >= duration) done();
    else requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);
});
out.playWallMs = performance.now() - t0;
out.frames = frames;
await new Promise((r) => setTimeout(r, 100));
out.longTasks = longTasks;
out.feedEventsRead = cursor;
window.RESULT = out;
`);

const server = createServer((req, res) => {
  const file = join(dir, req.url === '/' ? 'index.html' : req.url.slice(1));
  try {
    const body = readFileSync(file);
    const type = file.endsWith('.html') ? 'text/html' : 'text/javascript';
    res.writeHead(200, { 'content-type': type });
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
  await page.waitForFunction(() => window.RESULT, null, { timeout: 120_000 });
  const r = await page.evaluate(() => window.RESULT);
  const feedRate = r.events / (median(r.feedMs) / 1000);
  const jsonRate = r.events / (r.jsonMs / 1000);
  const result = {
    lesson18Events: r.events,
    feedEventsPerSecond: Math.round(feedRate),
    fillEventsPerSecond: Math.round(r.events / (median(r.fillMs) / 1000)),
    jsonEventsPerSecond: Math.round(jsonRate),
    framesAt1000x: r.frames.length,
    frameMsMedian: median(r.frames),
    frameMsP95: pct(r.frames, 0.95),
    frameMsMax: Math.max(...r.frames),
    longTasksOver50ms: r.longTasks.filter((d) => d > 50).length,
    playWallMs: r.playWallMs,
    achievedSpeed: 30_000 / r.playWallMs,
    nativeRunMs: median(nativeTimes),
    chromiumRunMs: median(r.runMs),
  };
  console.log(`lesson 18: ${r.events} events`);
  console.log(`feed into JavaScript: ${(feedRate / 1e6).toFixed(2)} M events/s (median of ${runs}; the engine filling its columns alone: ${(r.events / median(r.fillMs) / 1e3).toFixed(2)} M/s); JSON eventsSince: ${(jsonRate / 1e6).toFixed(3)} M events/s`);
  console.log(`played at 1000x: ${r.frames.length} frames, engine+feed per frame median ${result.frameMsMedian.toFixed(2)} ms, p95 ${result.frameMsP95.toFixed(2)} ms, max ${result.frameMsMax.toFixed(2)} ms; ${result.longTasksOver50ms} long tasks over 50 ms; 30 s of virtual time in ${r.playWallMs.toFixed(0)} ms (${result.achievedSpeed.toFixed(0)}x achieved)`);
  console.log(`lesson 18 to its end: native CLI ${result.nativeRunMs.toFixed(1)} ms (whole process), Chromium ${result.chromiumRunMs.toFixed(1)} ms (runUntil), medians of ${runs}`);
  mkdirSync(join(root, 'build/bench'), { recursive: true });
  writeFileSync(join(root, 'build/bench/feed.json'), JSON.stringify({ ...result, raw: r, nativeTimes }, null, 2));
} finally {
  await context.close();
  server.close();
  rmSync(dir, { recursive: true, force: true });
}
