// Shared by the WASM tests: the module, the TypeScript API (compiled to build/api), the native
// CLI to compare with, and small utilities. Run with `node --test tests/wasm/` after the native
// build (build/native), the WASM build (build/wasm) and `npm run build:api` in web/.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const modulePath = join(root, 'build/wasm/tcpplay.js');
export const cliPath = join(root, 'build/native/tcpplay');

const require = createRequire(import.meta.url);
/** The module factory (module.exports of tcpplay.js). */
export const factory = require(modulePath);
export const { Playground } = await import(join(root, 'build/api/playground.js'));

/** A fresh playground; the module instance is shared. */
export function create() {
  return Playground.create({ factory });
}

export const sha256 = (data) => createHash('sha256').update(data).digest('hex');

/** Every lesson in examples/ (the schema is in schema/). */
export function examples() {
  return readdirSync(join(root, 'examples'))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ name: f, path: join(root, 'examples', f), text: readFileSync(join(root, 'examples', f), 'utf8') }));
}

export function readExample(name) {
  return readFileSync(join(root, 'examples', name), 'utf8');
}

/** A temporary folder, removed by the returned cleanup. */
export function tempDir(prefix = 'tcpplay-wasm-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs the native CLI; returns { status, stdout, stderr }. */
export function cli(args, input) {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: build natively first`);
  const r = spawnSync(cliPath, args, { encoding: 'utf8', input, maxBuffer: 1 << 28 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `tcpplay validate` of a scenario text: its stderr lines (the errors), "" when valid. */
export function cliValidate(text) {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'scenario.json');
    writeFileSync(file, text);
    const r = cli(['validate', file]);
    return r.status === 0 ? '' : r.stderr.trimEnd();
  } finally {
    cleanup();
  }
}

/** Errors of a load() result as the CLI prints them. */
export const errorText = (errors) => errors.map((e) => `${e.path}: ${e.message}`).join('\n');

/** The message of the Error `f` throws (fails if it throws none). */
export function errorOf(f) {
  try {
    f();
  } catch (e) {
    if (!(e instanceof Error)) throw new Error(`threw a non-Error: ${String(e)}`);
    return e.message;
  }
  throw new Error('expected an Error, none was thrown');
}

/** Formats ns as the scenario format's shortest duration, like format_duration(). */
export function duration(ns) {
  const units = [['h', 3600e9], ['min', 60e9], ['s', 1e9], ['ms', 1e6], ['us', 1e3]];
  if (ns === 0) return '0s';
  for (const [u, n] of units) if (ns % n === 0) return `${ns / n}${u}`;
  return `${ns}ns`;
}

/**
 * What `tcpplay validate` says about the playground's current scenario with `action` appended
 * to its timeline at the current time: the CLI's view of the same live action.
 */
export function cliValidateAction(pg, action) {
  const doc = JSON.parse(pg.scenario());
  doc.timeline = doc.timeline ?? [];
  doc.timeline.push({ at: duration(pg.now()), ...action });
  return cliValidate(JSON.stringify(doc, null, 2));
}

/** Client and server on one 10 ms link; "srv" listens on 80 and "c1" connects at 1 s. */
export const twoHosts = {
  duration: '10s',
  seed: 7,
  hosts: [
    { name: 'client', addr: '10.0.0.1' },
    { name: 'server', addr: '10.0.0.2' },
  ],
  links: [{ name: 'lan', a: 'client', b: 'server', delay: '10ms' }],
  timeline: [
    { at: '0s', do: 'listen', host: 'server', port: 80, name: 'srv' },
    { at: '1s', do: 'connect', host: 'client', to: 'server', port: 80, src_port: 40000, name: 'c1' },
  ],
};
