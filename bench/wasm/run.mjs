// Benchmark 4: benchmarks 1 and 3 natively (the tcpplay CLI) and through the WASM module in
// Node, interleaved, several times; prints both medians and the ratio for each. Needs
// `./scripts/test.sh` (or the WASM and API builds) first.
//   node bench/wasm/run.mjs [runs=5] [scenario.json]   (a scenario given: only that one)
// Benchmark 1 is bench/wasm/b1-bulk.json; benchmark 3 is generated (keepalive-scenario.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const modulePath = process.env.TCPPLAY_MODULE ?? join(root, 'build/wasm/tcpplay.js');  // another build to compare
const apiPath = join(root, 'build/api/playground.js');
const cli = join(root, 'build/native/tcpplay');
const runs = Number(process.argv[2] ?? 5);
const only = process.argv[3];

for (const p of [modulePath, apiPath, cli]) {
  if (!existsSync(p)) {
    console.log(`b4 skipped: ${p} not found (run ./scripts/test.sh first)`);
    process.exit(0);
  }
}
const factory = createRequire(import.meta.url)(modulePath);
const { Playground } = await import(apiPath);
const { keepaliveScenario } = await import('./keepalive-scenario.mjs');

function native(path) {
  // The CLI's own run, without printing the trace: --format summary.
  const t0 = performance.now();
  const r = spawnSync(cli, ['run', path, '--format', 'summary'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(r.stderr || r.stdout);
  return (performance.now() - t0) / 1000;
}
async function wasm(text) {
  const pg = await Playground.create({ factory });
  const t0 = performance.now();
  const { ok, errors } = pg.load(text);
  if (!ok) throw new Error(JSON.stringify(errors.slice(0, 3)));
  pg.runUntil(JSON.parse(text).duration);
  const s = (performance.now() - t0) / 1000;
  pg.dispose();
  return s;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function pair(name, path) {
  const text = readFileSync(path, 'utf8');
  const ours = [], web = [];
  for (let i = 0; i < runs; ++i) {
    if (i % 2 === 0) { ours.push(native(path)); web.push(await wasm(text)); }
    else { web.push(await wasm(text)); ours.push(native(path)); }
  }
  const n = median(ours), w = median(web);
  console.log(`b4 ${name}: native ${n.toFixed(3)} s, wasm (node) ${w.toFixed(3)} s,` +
              ` wasm/native speed ${(n / w).toFixed(2)} (target >= 0.5), ${runs} runs interleaved`);
}

if (only) {
  await pair(only.replace(root + '/', ''), only);
} else {
  await pair('b1 (bench/wasm/b1-bulk.json)', join(root, 'bench/wasm/b1-bulk.json'));
  const dir = mkdtempSync(join(tmpdir(), 'tcpplay-b4-'));
  const b3 = join(dir, 'b3-keepalive.json');
  writeFileSync(b3, JSON.stringify(keepaliveScenario()));
  try {
    await pair('b3 (10,000 keepalive connections through the NLB, 1 h)', b3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
