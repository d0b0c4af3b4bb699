#!/usr/bin/env node
// The trace-equivalence check: runs generated scenarios (generate.mjs) through two tcpplay
// binaries and reports the first trace that differs, and where.
//
//   node tools/equiv/compare.mjs --a /tmp/equiv-before/tcpplay --b build/native/tcpplay --count 300 --seed 1
//
// For scenario k of seed S each binary runs `tcpplay run FILE --jsonl X --pcap Y` once; the
// check compares the exit code, the tcpdump-style text (stdout: packets, annotations, summary),
// the JSON Lines and the pcap. Prints one line, "300 scenarios, 0 differ (text, JSONL, pcap) in
// 41.2 s", and exits 0; or the first difference (lowest k): the scenario, the format, the first
// differing line (text, JSONL) or byte (pcap: which packet record, and the bytes around it) with
// context, and the folder holding the scenario and both outputs to reproduce it; exit 1.
// Options: --start K (first index, default 0), --jobs N (parallel runs, default 2),
// --formats text,jsonl,pcap (which to compare), --out DIR (where a difference is saved,
// default build/equiv-diff of this checkout), --b-args "..." (extra arguments for b only, e.g. "--set seed=2", to see
// a difference reported without a second build). Exit 2 on bad usage.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { generate } from './generate.mjs';

const FORMATS = { text: 'text', jsonl: 'JSONL', pcap: 'pcap' };

function usage(message) {
  process.stderr.write(`compare.mjs: ${message}\n` +
    'usage: compare.mjs --a TCPPLAY --b TCPPLAY [--count 300] [--seed 1] [--start 0] [--jobs 2]\n' +
    '                   [--formats text,jsonl,pcap] [--out DIR] [--b-args "ARGS"]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const o = { count: 300, seed: 1, start: 0, jobs: 2, formats: ['text', 'jsonl', 'pcap'], out: join(dirname(fileURLToPath(import.meta.url)), '../../build/equiv-diff'), bArgs: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => (i + 1 < argv.length ? argv[++i] : usage(`${a} needs a value`));
    const int = (name) => {
      const s = v();
      if (!/^\d+$/.test(s)) usage(`${name}: expected a non-negative integer, got "${s}"`);
      return Number(s);
    };
    if (a === '--a') o.a = resolve(v());
    else if (a === '--b') o.b = resolve(v());
    else if (a === '--count') o.count = int(a);
    else if (a === '--seed') o.seed = int(a);
    else if (a === '--start') o.start = int(a);
    else if (a === '--jobs') o.jobs = Math.max(1, int(a));
    else if (a === '--out') o.out = resolve(v());
    else if (a === '--b-args') o.bArgs = v().split(/\s+/).filter(Boolean);
    else if (a === '--formats') {
      o.formats = v().split(',');
      for (const f of o.formats) if (!FORMATS[f]) usage(`--formats: expected text, jsonl or pcap, got "${f}"`);
    } else usage(`unknown argument "${a}"`);
  }
  if (!o.a || !o.b) usage('--a and --b are required');
  for (const bin of [o.a, o.b]) if (!existsSync(bin)) usage(`${bin} does not exist`);
  return o;
}

/** Runs one binary on a scenario file; resolves to its outputs. */
function runOne(bin, file, dir, tag, extra) {
  const jsonl = join(dir, `${tag}.jsonl`);
  const pcap = join(dir, `${tag}.pcap`);
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    const child = spawn(bin, ['run', file, '--jsonl', jsonl, '--pcap', pcap, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    // A hang is a difference too: stop a run after a minute of wall time.
    const timer = setTimeout(() => child.kill('SIGKILL'), 60000);
    child.on('error', fail);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const status = code ?? `killed by ${signal}`;
      const read = (f) => (existsSync(f) ? readFileSync(f) : Buffer.alloc(0));
      done({
        status,
        stderr: Buffer.concat(err).toString(),
        text: Buffer.concat(out),
        jsonl: read(jsonl),
        pcap: read(pcap),
        ms: Number(process.hrtime.bigint() - started) / 1e6,
      });
    });
  });
}

/** The first differing line of two texts, with two lines of context before it. */
function lineDiff(a, b) {
  const la = a.toString('utf8').split('\n');
  const lb = b.toString('utf8').split('\n');
  let i = 0;
  while (i < la.length && i < lb.length && la[i] === lb[i]) i++;
  const show = (s) => (s === undefined ? '(end of output)' : s.length > 400 ? `${s.slice(0, 400)}...` : s);
  const ctx = la.slice(Math.max(0, i - 2), i).map((l, j) => `    ${String(i - Math.min(i, 2) + j + 1).padStart(6)}  ${show(l)}`);
  let col = 0;
  while (la[i] !== undefined && lb[i] !== undefined && la[i][col] === lb[i][col]) col++;
  const at = la[i] !== undefined && lb[i] !== undefined ? `, column ${col + 1}` : '';
  return [`first difference at line ${i + 1}${at} (a has ${la.length - 1} lines, b ${lb.length - 1})`,
    ...ctx, `  a ${String(i + 1).padStart(6)}  ${show(la[i])}`, `  b ${String(i + 1).padStart(6)}  ${show(lb[i])}`].join('\n');
}

/** Which pcap record holds byte `off` (24-byte file header, then 16-byte record headers). */
function pcapRecord(buf, off) {
  if (off < 24) return 'in the file header';
  const ns = buf.readUInt32LE(0) === 0xa1b23c4d; // nanosecond pcap (else microseconds)
  const fields = ['timestamp seconds', ns ? 'timestamp nanoseconds' : 'timestamp microseconds', 'captured length', 'original length'];
  let pos = 24;
  let n = 0;
  while (pos + 16 <= buf.length) {
    const len = buf.readUInt32LE(pos + 8);
    const end = pos + 16 + len;
    if (off < end) {
      const t = `${buf.readUInt32LE(pos)}.${String(buf.readUInt32LE(pos + 4)).padStart(ns ? 9 : 6, '0')}`;
      const where = off < pos + 16 ? `record header byte ${off - pos} (${fields[(off - pos) >> 2]})` : `packet byte ${off - pos - 16}`;
      return `in packet ${n + 1} (time ${t}), ${where}`;
    }
    pos = end;
    n++;
  }
  return 'past the last whole record';
}

function byteDiff(a, b) {
  let i = 0;
  const n = Math.min(a.length, b.length);
  while (i < n && a[i] === b[i]) i++;
  const from = Math.max(0, i - 8);
  const hex = (buf) => buf.subarray(from, Math.min(buf.length, i + 16)).toString('hex').replace(/(..)/g, '$1 ').trim();
  return [`first difference at byte ${i} (a has ${a.length} bytes, b ${b.length}), ${pcapRecord(i < a.length ? a : b, i)}`,
    `  a @${from}: ${hex(a)}`, `  b @${from}: ${hex(b)}`].join('\n');
}

/** Compares one scenario; returns null when equal, else a description of the difference. */
async function compareOne(o, k, work) {
  const doc = generate(o.seed, k);
  const dir = join(work, String(k));
  mkdirSync(dir);
  const file = join(dir, 'scenario.json');
  const text = JSON.stringify(doc, null, 2) + '\n';
  writeFileSync(file, text);
  const [ra, rb] = [await runOne(o.a, file, dir, 'a', []), await runOne(o.b, file, dir, 'b', o.bArgs)];
  const result = { k, ms: Math.max(ra.ms, rb.ms), ok: ra.status === 0 && rb.status === 0, events: ra.jsonl.toString().split('\n').length - 1 };
  let diff = null;
  if (ra.status !== rb.status || ra.stderr !== rb.stderr) {
    diff = { format: 'exit status', where: `a exited ${ra.status}: ${ra.stderr.trim() || '(no message)'}\nb exited ${rb.status}: ${rb.stderr.trim() || '(no message)'}` };
  } else {
    for (const f of o.formats) {
      if (ra[f].equals(rb[f])) continue;
      diff = { format: FORMATS[f], where: f === 'pcap' ? byteDiff(ra.pcap, rb.pcap) : lineDiff(ra[f], rb[f]) };
      break;
    }
  }
  if (diff) {
    mkdirSync(o.out, { recursive: true });
    const base = join(o.out, `gen-${o.seed}-${k}`);
    writeFileSync(`${base}.json`, text);
    for (const [tag, r] of [['a', ra], ['b', rb]]) {
      writeFileSync(`${base}.${tag}.txt`, r.text);
      writeFileSync(`${base}.${tag}.jsonl`, r.jsonl);
      writeFileSync(`${base}.${tag}.pcap`, r.pcap);
    }
    Object.assign(result, { diff, base });
  }
  rmSync(dir, { recursive: true, force: true });
  return result;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const work = mkdtempSync(join(tmpdir(), 'equiv-'));
  const started = Date.now();
  const results = [];
  let next = o.start;
  let firstDiff = Infinity; // no new scenario past a known difference
  const worker = async () => {
    while (next < o.start + o.count && next < firstDiff) {
      const k = next++;
      const r = await compareOne(o, k, work);
      results.push(r);
      if (r.diff) firstDiff = Math.min(firstDiff, k);
    }
  };
  try {
    await Promise.all(Array.from({ length: o.jobs }, worker));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  const formats = o.formats.map((f) => FORMATS[f]).join(', ');
  results.sort((x, y) => x.k - y.k);
  const diffs = results.filter((r) => r.diff);
  const slow = results.reduce((m, r) => (r.ms > m.ms ? r : m), { ms: 0 });
  const failed = results.filter((r) => !r.ok).length;
  const notes = `slowest run ${slow.ms.toFixed(0)} ms (gen ${o.seed}/${slow.k})` + (failed ? `; ${failed} exited non-zero in both` : '');
  if (!diffs.length) {
    console.log(`${results.length} scenarios, 0 differ (${formats}) in ${secs} s; ${notes}`);
    return 0;
  }
  const d = diffs[0];
  console.log(`scenario ${d.k} of seed ${o.seed} differs in ${d.diff.format} (the ${d.k - o.start} before it are equal; ${secs} s)`);
  console.log(d.diff.where);
  console.log(`saved: ${d.base}.json and its outputs ${d.base}.{a,b}.{txt,jsonl,pcap}`);
  console.log(`reproduce: ${o.a} run ${d.base}.json --jsonl a.jsonl --pcap a.pcap > a.txt` +
    ` (and the same with ${o.b}${o.bArgs.length ? ' ' + o.bArgs.join(' ') : ''});` +
    ` or node tools/equiv/generate.mjs --seed ${o.seed} --index ${d.k}`);
  return 1;
}

main().then((code) => process.exit(code), (e) => {
  process.stderr.write(`compare.mjs: ${e.stack ?? e}\n`);
  process.exit(2);
});
