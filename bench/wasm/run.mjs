// Benchmark 4: the same scenario natively (the tcpplay CLI) and through the WASM module in Node,
// interleaved, several times; prints both medians and the ratio. Needs `./scripts/test.sh` (or
// the WASM and API builds) first. Usage: node bench/wasm/run.mjs [runs=5] [scenario]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const modulePath = process.env.TCPPLAY_MODULE ?? join(root, 'build/wasm/tcpplay.js');  // another build to compare
const apiPath = join(root, 'build/api/playground.js');
const cli = join(root, 'build/native/tcpplay');
const runs = Number(process.argv[2] ?? 5);
const scenarioPath = process.argv[3] ?? join(root, 'bench/wasm/b1-bulk.json');

for (const p of [modulePath, apiPath, cli]) {
  if (!existsSync(p)) {
    console.log(`b4 skipped: ${p} not found (run ./scripts/test.sh first)`);
    process.exit(0);
  }
}
const factory = createRequire(import.meta.url)(modulePath);
const { Playground } = await import(apiPath);
const text = readFileSync(scenarioPath, 'utf8');
const duration = JSON.parse(text).duration;

function native() {
  // The CLI's own run, without printing the trace: --format summary.
  const t0 = performance.now();
  const r = spawnSync(cli, ['run', scenarioPath, '--format', 'summary'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return (performance.now() - t0) / 1000;
}
async function wasm() {
  const pg = await Playground.create({ factory });
  const t0 = performance.now();
  const { ok, errors } = pg.load(text);
  if (!ok) throw new Error(JSON.stringify(errors));
  pg.runUntil(duration);
  const s = (performance.now() - t0) / 1000;
  pg.dispose();
  return s;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ours = [], web = [];
for (let i = 0; i < runs; ++i) {
  if (i % 2 === 0) { ours.push(native()); web.push(await wasm()); }
  else { web.push(await wasm()); ours.push(native()); }
}
const n = median(ours), w = median(web);
console.log(`b4 ${scenarioPath.replace(root + '/', '')}: native ${n.toFixed(3)} s, wasm (node) ${w.toFixed(3)} s,` +
            ` wasm/native speed ${(n / w).toFixed(2)} (target >= 0.5), ${runs} runs interleaved`);
