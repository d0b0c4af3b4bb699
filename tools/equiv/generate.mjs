#!/usr/bin/env node
// Random scenarios for the trace-equivalence check (README, "Did a refactor change a trace?").
//
// generate(seed, k) is scenario k of seed `seed`: a pure function of the two numbers (its own
// small PRNG, no Math.random, no clock), so a difference found by compare.mjs is reproduced by
// the same pair on any machine, and the Node test in tests/wasm/generated.test.mjs sees the same
// scenarios as the command line. Every scenario is meant to pass `tcpplay validate`; one that
// does not is a bug here (tests/wasm/generated.test.mjs checks a few hundred).
//
// A scenario is one topology (two hosts on a link; a router with forwarding and routes; an
// NLB or an ALB in front of one or two servers) with random link impairments and TCP settings,
// then one to three kinds of traffic between its client and its server side (timeline sockets
// with sends, reads, closes and aborts; echo, bulk, HTTP and UDP stream apps; UDP datagrams),
// crafted segments, and live-edit-like actions (set on links, hosts and sockets, link down and
// up, scripted drops, manual mode). Everything is bounded: 2 to 30 s of virtual time, at most a
// few hundred kilobytes and a few hundred datagrams, so each runs in well under a second.
//
//   node tools/equiv/generate.mjs --seed 1 --count 20 --out /tmp/gen    # writes gen-1-0.json ...
//   node tools/equiv/generate.mjs --seed 1 --index 7                     # prints one to stdout

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** sfc32 seeded from (seed, k) through FNV-1a and splitmix32: deterministic, 32-bit only. */
class Rng {
  constructor(seed, k) {
    let h = 0x811c9dc5;
    for (const ch of `${seed}/${k}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    const split = () => {
      h = (h + 0x9e3779b9) >>> 0;
      let z = h;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s = [split(), split(), split(), split()];
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32() {
    let [a, b, c, d] = this.s;
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    this.s = [a, b, c, d];
    return t;
  }

  /** An integer in [lo, hi]. */
  int(lo, hi) {
    return lo + (this.u32() % (hi - lo + 1));
  }

  chance(p) {
    return this.u32() / 4294967296 < p;
  }

  pick(list) {
    return list[this.u32() % list.length];
  }

  /** Picks by weight from [[weight, value], ...]. */
  weighted(pairs) {
    let n = this.int(1, pairs.reduce((s, [w]) => s + w, 0));
    for (const [w, v] of pairs) if ((n -= w) <= 0) return v;
    return pairs[pairs.length - 1][1];
  }
}

const ms = (n) => `${n}ms`;
const prob = (r, max) => r.int(0, max) / 1000; // a probability with three decimals, at most max/1000

const LINK_PARAMS = ['delay', 'jitter', 'bandwidth', 'queue.packets', 'queue.bytes', 'loss', 'duplicate', 'reorder', 'reorder_delay', 'mtu', 'up'];

/** A random value for a link parameter, as a link object or a `set link:` takes it. */
function linkValue(r, param) {
  switch (param) {
    case 'delay': return ms(r.int(1, 80));
    case 'jitter': return ms(r.int(0, 10));
    case 'bandwidth': return r.pick([0, '256kbit', '1Mbit', '10Mbit', '100Mbit', '1Gbit']);
    case 'queue.packets': return r.pick([0, 8, 20, 64, 1000]);
    case 'queue.bytes': return r.pick([0, 15000, 64000]);
    case 'loss': return prob(r, 80);
    case 'duplicate': return prob(r, 40);
    case 'reorder': return prob(r, 100);
    case 'reorder_delay': return ms(r.int(0, 30));
    case 'mtu': return r.pick([576, 1280, 1400, 1500, 9000]);
    case 'up': return r.chance(0.7);
    default: throw new Error(`no value for link parameter ${param}`);
  }
}

/** A random TCP parameter and value, from the ones that keep a run short and legal. */
function tcpParam(r, live) {
  const choices = [
    ['sack', () => r.chance(0.7)],
    ['timestamps', () => r.chance(0.6)],
    ['window_scaling', () => r.chance(0.7)],
    ['nagle', () => r.chance(0.5)],
    ['delayed_ack', () => r.chance(0.6)],
    ['delayed_ack_timeout', () => ms(r.pick([10, 40, 100, 200]))],
    ['ack_every_segments', () => r.int(1, 3)],
    ['congestion_control', () => r.pick(['newreno', 'cubic'])],
    ['recovery', () => r.pick(['rfc6675', 'prr'])],
    ['initial_window_segments', () => r.int(1, 10)],
    ['rto_initial', () => ms(r.pick([200, 500, 1000, 3000]))],
    ['rto_min', () => ms(r.pick([100, 200, 1000]))],
    ['syn_retries', () => r.int(1, 6)],
    ['data_retries', () => r.int(2, 15)],
    ['keepalive', () => r.chance(0.5)],
    ['keepalive_idle', () => `${r.int(1, 10)}s`],
    ['keepalive_interval', () => `${r.int(1, 3)}s`],
    ['keepalive_count', () => r.int(1, 5)],
    ['time_wait', () => `${r.int(1, 60)}s`],
    ['fin_wait_2_timeout', () => `${r.int(1, 60)}s`],
    ['rfc5961', () => r.chance(0.7)],
    ['read_rate', () => r.pick([0, 2000, 20000, 200000])],
    ['user_timeout', () => `${r.int(0, 20)}s`],
  ];
  if (!live) {
    choices.push(
      ['mss', () => r.pick([536, 1000, 1200, 1460])],
      ['recv_buffer', () => r.pick([4096, 16384, 65535, 262144])],
      ['send_buffer', () => r.pick([4096, 16384, 65536, 262144])],
      ['connect_timeout', () => `${r.int(2, 30)}s`],
      ['idle_timeout', () => `${r.int(0, 20)}s`],
    );
  }
  const [name, value] = r.pick(choices);
  return [name, value()];
}

function tcpParams(r, max) {
  const params = {};
  for (let i = r.int(0, max); i > 0; i--) {
    const [k, v] = tcpParam(r, false);
    params[k] = v;
  }
  return params;
}

/** The scenario being built: names, ports and times handed out so that the loader accepts it. */
class Builder {
  constructor(r, seed, k) {
    this.r = r;
    this.end = r.int(2, 30) * 1000; // duration, ms
    this.doc = { title: `generated ${seed}/${k}`, seed: r.int(1, 1 << 30), duration: `${this.end / 1000}s` };
    this.hosts = [];
    this.links = [];
    this.routes = [];
    this.middleboxes = [];
    this.apps = [];
    this.timeline = [];
    this.names = new Set();
    this.ports = new Map(); // host -> Set of TCP/UDP ports taken by listeners and binds
    this.srcPort = 40000 + r.int(0, 100) * 10; // fixed client ports, above the ephemeral ones
    this.tcpSockets = []; // { name, at } of timeline connections that may exist
    this.links_ = [];
  }

  name(prefix) {
    let i = 1;
    while (this.names.has(`${prefix}${i}`)) i++;
    this.names.add(`${prefix}${i}`);
    return `${prefix}${i}`;
  }

  /** A port free on `host` (TCP and UDP share the count, which is stricter than needed). */
  port(host, wanted) {
    const used = this.ports.get(host) ?? new Set();
    this.ports.set(host, used);
    let p = wanted ?? this.r.pick([80, 8080, 9000, 5001, 7000]);
    while (used.has(p)) p++;
    used.add(p);
    return p;
  }

  nextSrcPort() {
    return this.srcPort++;
  }

  /** A time in [lo, hi] ms, as a duration. */
  time(lo, hi) {
    return this.r.int(lo, Math.max(lo, hi));
  }

  host(name, addr, extra = {}) {
    const r = this.r;
    const h = { name, addr, ...extra };
    if (r.chance(0.5)) {
      h.tcp = {};
      if (r.chance(0.7)) h.tcp.profile = r.pick(['rfc', 'linux', 'windows']);
      const params = tcpParams(r, 3);
      if (Object.keys(params).length) h.tcp.params = params;
    }
    this.hosts.push(h);
    return name;
  }

  link(name, a, b) {
    const r = this.r;
    const l = { name, a, b, delay: ms(r.int(1, 60)) };
    const opt = (p, key = p) => {
      if (r.chance(0.3)) l[key] = linkValue(r, p);
    };
    opt('jitter');
    opt('bandwidth');
    opt('loss');
    opt('duplicate');
    opt('reorder');
    opt('reorder_delay');
    opt('mtu');
    if (r.chance(0.2)) l.queue = { packets: r.pick([0, 10, 30, 100]), bytes: r.pick([0, 20000, 100000]) };
    if (r.chance(0.03)) l.up = false;
    this.links.push(l);
    this.links_.push({ name, a, b });
    return name;
  }

  at(t, action) {
    const entry = { at: ms(t), ...action };
    this.timeline.push(entry);
    return entry;
  }

  finish() {
    const r = this.r;
    const d = this.doc;
    if (r.chance(0.4)) {
      d.tcp = {};
      if (r.chance(0.8)) d.tcp.profile = r.pick(['rfc', 'linux', 'windows']);
      const params = tcpParams(r, 3);
      if (Object.keys(params).length) d.tcp.params = params;
    }
    d.hosts = this.hosts;
    d.links = this.links;
    if (this.routes.length) d.routes = this.routes;
    if (this.middleboxes.length) d.middleboxes = this.middleboxes;
    if (this.apps.length) d.apps = this.apps;
    if (this.timeline.length) d.timeline = this.timeline;
    return d;
  }
}

// ---------------------------------------------------------------------------------------------
// Topologies. Each returns { client, servers: [host], to: (service) -> where clients connect }.

function direct(b) {
  const client = b.host('client', '10.0.0.1');
  const server = b.host('server', '10.0.0.2');
  b.link('lan', client, server);
  return { client, servers: [server], kind: 'direct' };
}

function routed(b) {
  const client = b.host('client', '10.0.1.1');
  const router = b.host('router', '10.0.1.254', { forwarding: true });
  const server = b.host('server', '10.0.2.1');
  b.link('left', client, router);
  b.link('right', router, server);
  b.routes.push({ host: client, dst: 'default', link: 'left' });
  b.routes.push({ host: server, dst: b.r.pick(['default', '10.0.1.0/24', '10.0.1.1']), link: 'right' });
  return { client, servers: [server], router, kind: 'routed' };
}

/** Client, balancer host and one or two servers behind it. */
function balanced(b, kind) {
  const client = b.host('client', '10.0.0.1');
  const lb = b.host('lb', '10.0.0.2');
  b.link('front', client, lb);
  const servers = [];
  for (let i = 1; i <= b.r.int(1, 2); i++) {
    const s = b.host(`server${i}`, `10.0.1.${i}`);
    b.link(`back${i}`, lb, s);
    // An NLB keeps the client's address: its targets answer through the balancer's host.
    if (kind === 'nlb') b.routes.push({ host: s, dst: 'default', link: `back${i}` });
    servers.push(s);
  }
  return { client, servers, lb, kind };
}

// ---------------------------------------------------------------------------------------------
// Traffic between a client and a service: `svc` is { host, addr, port } where the client sends,
// `listen(b, port?)` opens the server side on every server and returns the port it listens on.

/** Timeline sockets: listen, connect, sends, reads, a socket-level set, a close or an abort. */
function tcpTimeline(b, topo, svc) {
  const r = b.r;
  const srv = b.name('srv');
  const autoRead = r.chance(0.8);
  for (const s of svc.servers) {
    const listen = { do: 'listen', host: s, port: svc.port, name: s === svc.servers[0] ? srv : b.name('srv') };
    if (r.chance(0.2)) listen.backlog = r.int(0, 4);
    if (r.chance(0.3)) listen.params = tcpParams(r, 2);
    if (!autoRead) listen.auto_read = false;
    b.at(0, listen);
  }
  for (let c = r.int(1, 2); c > 0; c--) {
    const name = b.name('c');
    const t0 = b.time(1, b.end / 3);
    const srcPort = b.nextSrcPort();
    const connect = { do: 'connect', host: topo.client, to: svc.to, port: svc.port, src_port: srcPort, name };
    if (r.chance(0.3)) connect.params = tcpParams(r, 2);
    b.at(t0, connect);
    b.tcpSockets.push({ name, at: t0, srcPort, to: svc.to, port: svc.port });
    let t = t0;
    for (let i = r.int(0, 4); i > 0; i--) {
      t = b.time(t + 1, t + 2000);
      if (r.chance(0.5)) b.at(t, { do: 'send', socket: name, text: `GET /${i} HTTP/1.1\r\nHost: x\r\n\r\n`, ...(r.chance(0.05) ? { urgent: true } : {}) });
      else b.at(t, { do: 'send', socket: name, bytes: r.pick([1, 100, 1460, 3000, 20000, 100000]) });
    }
    // The server side of the first connection: srv.1 exists once accepted.
    if (r.chance(0.5)) {
      const ts = b.time(t0 + 200, t0 + 3000);
      if (!autoRead) b.at(ts, { do: 'read', socket: `${srv}.1`, bytes: r.pick([1, 1000, 100000]) });
      b.at(ts, { do: 'send', socket: `${srv}.1`, ...(r.chance(0.5) ? { text: 'HTTP/1.1 200 OK\r\n\r\n' } : { bytes: r.int(1, 30000) }) });
      if (r.chance(0.5)) b.at(b.time(ts + 1, ts + 4000), { do: r.pick(['close', 'shutdown', 'abort']), socket: `${srv}.1` });
    }
    if (r.chance(0.4)) {
      const [param, value] = tcpParam(r, true);
      b.at(b.time(t0 + 1, t + 1000), { do: 'set', target: `socket:${name}`, param, value });
    }
    const end = r.weighted([[5, 'close'], [2, 'shutdown'], [1, 'abort'], [2, null]]);
    if (end) b.at(b.time(t + 1, t + 3000), { do: end, socket: name });
  }
  if (r.chance(0.15)) b.at(b.time(b.end / 2, b.end), { do: 'close', socket: srv });
}

/** Crafted segments on a timeline connection's 4-tuple, seq/ack filled or offset. */
function injects(b, topo) {
  const r = b.r;
  for (let i = r.int(1, 3); i > 0; i--) {
    const sock = r.pick(b.tcpSockets);
    const fromServer = topo.kind !== 'nlb' && topo.kind !== 'alb' && r.chance(0.3);
    const inj = {
      do: 'inject',
      host: fromServer ? topo.servers[0] : topo.client,
      to: fromServer ? topo.client : sock.to,
      src_port: fromServer ? sock.port : sock.srcPort,
      dst_port: fromServer ? sock.srcPort : sock.port,
      flags: r.pick(['R', 'RA', 'A', 'PA', 'S', 'SA', 'FA', 'F', 'U', ['SYN', 'ACK'], 'AE']),
    };
    if (r.chance(0.4)) inj.seq_offset = r.pick([-1000, -1, 1, 1000, 70000]);
    if (r.chance(0.3)) inj.ack_offset = r.pick([-1, 1, 5000]);
    if (r.chance(0.2)) inj.window = r.int(0, 65535);
    if (r.chance(0.3)) inj.payload = r.pick(['x', 'hello', 'GET / HTTP/1.1\r\n\r\n']);
    if (r.chance(0.2)) inj.options = r.pick([
      [{ kind: 'mss', value: 536 }],
      [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'ts', val: r.int(0, 1e6), ecr: 0 }],
      [{ kind: 'sackOK' }, { kind: 'wscale', value: r.int(0, 14) }],
      [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'sack', blocks: [[1, 100]] }],
      [{ kind: 30, data: [1, 2] }, { kind: 'eol' }],
    ]);
    if (r.chance(0.1)) inj.ttl = r.int(1, 255);
    b.at(b.time(sock.at + 1, b.end), inj);
  }
}

function tcpEcho(b, topo, svc) {
  const r = b.r;
  for (const s of svc.servers) {
    const app = { type: 'tcp_echo', name: b.name('echo'), host: s, port: svc.port };
    if (r.chance(0.2)) app.tcp = { params: tcpParams(r, 2) };
    b.apps.push(app);
  }
  const name = b.name('c');
  const t0 = b.time(0, b.end / 3);
  const srcPort = b.nextSrcPort();
  b.at(t0, { do: 'connect', host: topo.client, to: svc.to, port: svc.port, src_port: srcPort, name });
  b.tcpSockets.push({ name, at: t0, srcPort, to: svc.to, port: svc.port });
  let t = t0;
  for (let i = r.int(1, 4); i > 0; i--) {
    t = b.time(t + 1, t + 1500);
    b.at(t, r.chance(0.5) ? { do: 'send', socket: name, text: `ping ${i}\n` } : { do: 'send', socket: name, bytes: r.pick([10, 1460, 5000, 40000]) });
  }
  if (r.chance(0.8)) b.at(b.time(t + 1, t + 2000), { do: r.pick(['close', 'close', 'shutdown']), socket: name });
}

function bulk(b, topo, svc) {
  const r = b.r;
  const seed = r.int(1, 100);
  for (const s of svc.servers) {
    const sink = { type: 'bulk_sink', name: b.name('sink'), host: s, port: svc.port, pattern_seed: seed };
    if (r.chance(0.2)) sink.read_rate = r.pick([5000, 50000, 500000]);
    if (r.chance(0.2)) sink.tcp = { params: tcpParams(r, 2) };
    b.apps.push(sink);
  }
  const sender = { type: 'bulk_sender', name: b.name('bulk'), host: topo.client, to: `${svc.to}:${svc.port}`, start: ms(b.time(0, b.end / 3)), bytes: r.pick([1000, 20000, 100000, 300000]), pattern_seed: seed };
  if (r.chance(0.2)) sender.duration = ms(r.int(500, 5000));
  if (r.chance(0.2)) sender.close_when_done = false;
  if (r.chance(0.3)) sender.tcp = { ...(r.chance(0.5) ? { profile: r.pick(['rfc', 'linux', 'windows']) } : {}), params: tcpParams(r, 3) };
  b.apps.push(sender);
}

function http(b, topo, svc, backendsOnly = false) {
  const r = b.r;
  for (const s of svc.servers) {
    const srv = { type: 'http_server', name: b.name('web'), host: s, port: svc.backendPort ?? svc.port, processing_time: ms(r.pick([0, 5, 50, 500, 3000])) };
    if (r.chance(0.3)) srv.timeout = ms(r.pick([100, 1000, 2000]));
    if (r.chance(0.2)) srv.on_timeout = r.pick(['504', 'close']);
    if (r.chance(0.2)) srv.send_late_response = false;
    if (r.chance(0.2)) srv.keep_alive = false;
    if (r.chance(0.3)) srv.keep_alive_timeout = ms(r.pick([0, 500, 2000, 75000]));
    if (r.chance(0.2)) srv.status = r.pick([200, 404, 500]);
    if (r.chance(0.3)) srv.body_bytes = r.pick([100, 5000, 50000]);
    b.apps.push(srv);
  }
  if (backendsOnly) return;
  for (let c = r.int(1, 2); c > 0; c--) {
    const client = { type: 'http_client', name: b.name('browser'), host: topo.client, server: `${svc.to}:${svc.port}` };
    if (r.chance(0.5)) client.at = [ms(b.time(0, b.end / 2)), ms(b.time(b.end / 2, b.end))];
    else Object.assign(client, { count: r.int(1, 5), start: ms(b.time(0, b.end / 3)), interval: ms(r.pick([100, 500, 1000, 3000])) });
    if (r.chance(0.2)) client.method = r.pick(['POST', 'PUT']);
    if (r.chance(0.2)) client.body_bytes = r.pick([10, 3000]);
    if (r.chance(0.3)) client.request_timeout = ms(r.pick([300, 1500, 5000]));
    if (r.chance(0.5)) {
      client.pool = {};
      if (r.chance(0.3)) client.pool.max_connections = r.int(0, 2);
      if (r.chance(0.3)) client.pool.idle_timeout = ms(r.pick([0, 200, 1000, 90000]));
      if (r.chance(0.2)) client.pool.pipeline = true;
      if (r.chance(0.2)) Object.assign(client.pool, { keepalive: true, keepalive_idle: '1s', keepalive_interval: '1s', keepalive_count: 2 });
    }
    b.apps.push(client);
  }
}

function udpStream(b, topo, svc) {
  const r = b.r;
  const count = r.int(1, 200);
  for (const s of svc.servers) {
    const rx = { type: 'udp_stream_receiver', name: b.name('udp_rx'), host: s, port: svc.port };
    if (r.chance(0.6)) rx.expected = count;
    b.apps.push(rx);
  }
  const tx = { type: 'udp_stream_sender', name: b.name('udp_tx'), host: topo.client, to: `${svc.to}:${svc.port}`, start: ms(b.time(0, b.end / 3)), rate: r.pick([10, 50, 100, 500]), count };
  if (r.chance(0.3)) tx.payload_bytes = r.pick([8, 64, 1000, 1472, 2000]);
  if (r.chance(0.2)) tx.duration = ms(r.int(200, 3000));
  if (r.chance(0.3)) tx.src_port = b.nextSrcPort();
  b.apps.push(tx);
}

/** UDP sockets on the timeline: datagrams both ways, one to a closed port now and then. */
function udpTimeline(b, topo, svc, echo) {
  const r = b.r;
  const servers = [];
  for (const s of svc.servers) {
    if (echo) {
      b.apps.push({ type: 'udp_echo', name: b.name('uecho'), host: s, port: svc.port });
    } else {
      const name = b.name('u');
      b.at(0, { do: 'udp_bind', host: s, port: svc.port, name });
      servers.push(name);
    }
  }
  const cname = b.name('u');
  const t0 = b.time(0, b.end / 3);
  const bind = { do: 'udp_bind', host: topo.client, name: cname };
  if (r.chance(0.5)) bind.port = b.nextSrcPort();
  b.at(t0, bind);
  let t = t0;
  for (let i = r.int(1, 6); i > 0; i--) {
    t = b.time(t + 1, t + 1000);
    const port = r.chance(0.1) ? 9999 : svc.port; // nothing binds 9999: ICMP port unreachable
    b.at(t, { do: 'udp_send', socket: cname, to: svc.to, port, ...(r.chance(0.5) ? { text: `datagram ${i}` } : { bytes: r.pick([0, 1, 512, 1472, 1473, 3000]) }) });
  }
  if (servers.length && r.chance(0.3) && bind.port) {
    b.at(b.time(t + 1, t + 1000), { do: 'udp_send', socket: servers[0], to: topo.client, port: bind.port, text: 'reply' });
  }
  if (r.chance(0.2)) b.at(b.time(t + 1, b.end), { do: 'close', socket: cname });
}

// ---------------------------------------------------------------------------------------------
// Live-edit-like actions: what a person does on the page while a run goes on.

function liveEdits(b, topo) {
  const r = b.r;
  const hosts = b.hosts.map((h) => h.name);
  for (let i = r.int(0, 4); i > 0; i--) {
    const t = b.time(1, b.end);
    const kind = r.weighted([[4, 'link'], [2, 'down'], [2, 'tcp'], [2, 'drop'], [1, 'manual'], [1, 'note']]);
    let entry;
    if (kind === 'link') {
      const link = r.pick(b.links_).name;
      const param = r.pick(LINK_PARAMS);
      entry = b.at(t, { do: 'set', target: `link:${link}`, param, value: linkValue(r, param) });
    } else if (kind === 'down') {
      const link = r.pick(b.links_).name;
      entry = b.at(t, { do: 'link_down', link });
      if (r.chance(0.8)) b.at(b.time(t, t + 3000), { do: 'link_up', link });
    } else if (kind === 'tcp') {
      const [param, value] = tcpParam(r, false);
      entry = b.at(t, { do: 'set', target: `tcp:${r.pick(hosts)}`, param, value });
    } else if (kind === 'drop') {
      const link = r.pick(b.links_);
      entry = b.at(t, { do: 'drop', link: link.name, host: r.chance(0.5) ? link.a : link.b, ...(r.chance(0.5) ? { count: r.int(1, 5) } : {}) });
    } else if (kind === 'manual') {
      const host = r.pick(topo.servers);
      entry = b.at(t, { do: 'manual', host, on: true });
      b.at(b.time(t, t + 2000), { do: 'manual', host, on: false });
    } else {
      entry = b.at(t, { do: 'note', text: `note ${i}` });
    }
    // Edits made on the page record how many of that instant's events ran before them.
    if (r.chance(0.25)) entry.after_events = r.int(0, 3);
  }
}

// ---------------------------------------------------------------------------------------------

const TRAFFIC = {
  tcp: [[4, tcpTimeline], [2, tcpEcho], [2, bulk], [3, http]],
  udp: [[2, udpStream], [2, (b, t, s) => udpTimeline(b, t, s, false)], [1, (b, t, s) => udpTimeline(b, t, s, true)]],
};

/** Scenario k of seed `seed`, as a plain object (JSON.stringify it to get the file). */
export function generate(seed, k) {
  const r = new Rng(seed, k);
  const b = new Builder(r, seed, k);
  const kind = r.weighted([[3, 'direct'], [3, 'routed'], [2, 'nlb'], [2, 'alb']]);
  const topo = kind === 'direct' ? direct(b) : kind === 'routed' ? routed(b) : balanced(b, kind);
  const server0 = b.hosts.find((h) => h.name === topo.servers[0]);

  if (kind === 'alb') {
    // HTTP through the ALB to http_servers on the targets; maybe other traffic to the lb host.
    const backendPort = b.port(topo.servers[0], 8080);
    for (const s of topo.servers.slice(1)) b.port(s, backendPort);
    http(b, topo, { servers: topo.servers, backendPort }, true);
    const port = b.port(topo.lb, 80);
    const alb = { type: 'alb', name: b.name('alb'), host: topo.lb, port, targets: topo.servers.map((s) => `${s}:${backendPort}`) };
    if (r.chance(0.5)) alb.idle_timeout = ms(r.pick([500, 2000, 5000, 60000]));
    if (r.chance(0.3)) alb.connect_timeout = ms(r.pick([500, 3000]));
    if (r.chance(0.4)) alb.close_with = r.pick(['fin', 'rst']);
    if (r.chance(0.2)) alb.reuse_target_connections = false;
    if (r.chance(0.2)) alb.x_forwarded_for = false;
    if (r.chance(0.2)) alb.tcp = { params: tcpParams(r, 2) };
    b.middleboxes.push(alb);
    // Clients of the ALB: apps, and now and then a timeline connection with a raw request.
    const clients = { type: 'http_client', name: b.name('browser'), host: topo.client, server: `${topo.lb}:${port}` };
    if (r.chance(0.5)) Object.assign(clients, { count: r.int(1, 4), interval: ms(r.pick([200, 1000])), start: ms(b.time(0, b.end / 3)) });
    if (r.chance(0.5)) clients.pool = r.chance(0.5) ? {} : { idle_timeout: ms(r.pick([300, 3000])) };
    if (r.chance(0.3)) clients.request_timeout = ms(r.pick([500, 4000]));
    b.apps.push(clients);
    if (r.chance(0.4)) {
      const name = b.name('c');
      const t0 = b.time(0, b.end / 2);
      const srcPort = b.nextSrcPort();
      b.at(t0, { do: 'connect', host: topo.client, to: topo.lb, port, src_port: srcPort, name });
      b.tcpSockets.push({ name, at: t0, srcPort, to: topo.lb, port });
      b.at(b.time(t0 + 1, t0 + 500), { do: 'send', socket: name, text: 'GET /raw HTTP/1.1\r\nHost: lb\r\n\r\n' });
      if (r.chance(0.5)) b.at(b.time(t0 + 501, t0 + 4000), { do: r.pick(['close', 'abort']), socket: name });
    }
  } else if (kind === 'nlb') {
    const protocol = r.weighted([[3, 'tcp'], [1, 'udp'], [1, 'tcp_udp']]);
    const backendPort = b.port(topo.servers[0], r.pick([80, 8080, 9000]));
    for (const s of topo.servers.slice(1)) b.port(s, backendPort);
    const port = b.port(topo.lb, r.pick([80, 9000]));
    const nlb = { type: 'nlb', name: b.name('nlb'), host: topo.lb, port, targets: topo.servers.map((s) => `${s}:${backendPort}`), protocol };
    if (r.chance(0.5)) nlb.tcp_idle_timeout = ms(r.pick([1000, 3000, 350000]));
    if (r.chance(0.3)) nlb.udp_idle_timeout = ms(r.pick([500, 5000]));
    if (r.chance(0.2)) nlb.trace_packets = true;
    if (r.chance(0.2)) {
      // A VIP of its own, reached through the balancer's host.
      nlb.vip = '10.0.0.100';
      b.routes.push({ host: topo.client, dst: '10.0.0.100', link: 'front' });
    }
    b.middleboxes.push(nlb);
    // Services behind the NLB listen on backendPort; clients send to vip:port.
    const svc = { servers: topo.servers, to: nlb.vip ?? topo.lb, port, backendPort };
    const listenSvc = { ...svc, port: backendPort };
    const tcp = protocol !== 'udp';
    const f = r.weighted(tcp ? TRAFFIC.tcp : TRAFFIC.udp);
    // The apps listen on the backend port, the client aims at the VIP's port.
    runThrough(b, topo, f, svc, listenSvc);
    if (tcp && b.tcpSockets.length && r.chance(0.3)) injects(b, topo);
  } else {
    const n = r.int(1, 3);
    for (let i = 0; i < n; i++) {
      const udp = r.chance(0.3);
      const f = r.weighted(udp ? TRAFFIC.udp : TRAFFIC.tcp);
      const port = b.port(server0.name);
      const svc = { servers: topo.servers, to: r.chance(0.5) ? server0.name : server0.addr, port };
      f(b, topo, svc);
    }
    if (b.tcpSockets.length && r.chance(0.4)) injects(b, topo);
    if (kind === 'routed' && r.chance(0.3)) {
      // The router is a host too: something to say to it directly.
      const port = b.port(topo.router);
      tcpEcho(b, topo, { servers: [topo.router], to: topo.router, port });
    }
  }
  liveEdits(b, topo);
  if (r.chance(0.1)) b.doc.trace = { max_events: r.pick([500, 5000, 1000000]), max_bytes: 0 };
  return b.finish();
}

/** A traffic function whose servers listen on svc.backendPort while clients aim at svc.port. */
function runThrough(b, topo, f, svc, listenSvc) {
  // Every traffic function uses svc.port both ways; behind an NLB the two differ, so give it the
  // backend port to listen on and rewrite what the client side aims at afterwards.
  const apps = b.apps.length;
  const timeline = b.timeline.length;
  const sockets = b.tcpSockets.length;
  f(b, topo, listenSvc);
  const client = topo.client;
  for (const app of b.apps.slice(apps)) {
    if (app.host !== client) continue;
    for (const key of ['to', 'server']) if (app[key]) app[key] = `${svc.to}:${svc.port}`;
  }
  const clientUdp = new Set(b.timeline.filter((e) => e.do === 'udp_bind' && e.host === client).map((e) => e.name));
  for (const e of b.timeline.slice(timeline)) {
    const fromClient = (e.do === 'connect' && e.host === client) || (e.do === 'udp_send' && clientUdp.has(e.socket));
    if (fromClient && e.port === listenSvc.port) Object.assign(e, { to: svc.to, port: svc.port });
  }
  for (const s of b.tcpSockets.slice(sockets)) Object.assign(s, { to: svc.to, port: svc.port });
}

// ---------------------------------------------------------------------------------------------

function main(argv) {
  const opt = { seed: 1, count: 1, index: undefined, out: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--seed') opt.seed = Number(v());
    else if (a === '--count') opt.count = Number(v());
    else if (a === '--index') opt.index = Number(v());
    else if (a === '--out') opt.out = v();
    else throw new Error(`unknown argument ${a} (use --seed N, --count N, --index K, --out DIR)`);
  }
  if (opt.index !== undefined) {
    const text = JSON.stringify(generate(opt.seed, opt.index), null, 2) + '\n';
    if (opt.out) writeFileSync(opt.out, text);
    else process.stdout.write(text);
    return;
  }
  if (!opt.out) throw new Error('--count needs --out DIR (or use --index K)');
  mkdirSync(opt.out, { recursive: true });
  for (let k = 0; k < opt.count; k++) writeFileSync(join(opt.out, `gen-${opt.seed}-${k}.json`), JSON.stringify(generate(opt.seed, k), null, 2) + '\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`generate.mjs: ${e.message}\n`);
    process.exit(2);
  }
}
