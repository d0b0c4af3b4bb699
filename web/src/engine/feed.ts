// The one adapter between the page and the engine's API (web/api/playground.ts).
//
// Everything else in the page talks to an `EngineFeed`: budgeted runs, the columnar event feed,
// labels and event text. The lead's binary feed (`pg.feed`, `pg.labels`, `pg.eventText`,
// budgeted `pg.runUntil`) is used when the API has it; until then the same shapes are built here
// from `eventsSince()` (JSON, about 10 us an event) and `nextEventTime()`.
//
// TODO(engine API): remove the fallback half of this file once every build has `pg.feed`.
import type { EventsPage, Playground, Snapshot, TraceEvent } from '../../api/playground';

/** Event kinds in the feed's `kind` column (the API exports the same list as FEED_KINDS). */
export const enum Kind {
  PacketSent = 0,
  PacketReceived = 1,
  PacketDropped = 2,
  StateChange = 3,
  TimerSet = 4,
  TimerFired = 5,
  TimerCancelled = 6,
  App = 7,
  ParamChange = 8,
  Note = 9,
  PacketDuplicated = 10,
}

const KIND_NAMES = [
  'packet_sent', 'packet_received', 'packet_dropped', 'state_change', 'timer_set', 'timer_fired',
  'timer_cancelled', 'app', 'param_change', 'note', 'packet_duplicated',
];

/** TCP flag bits in the feed's `flags` column. */
export const TcpFlag = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16, URG: 32, ECE: 64, CWR: 128, AE: 256 } as const;

export interface FeedColumns {
  time: Float64Array;
  kind: Uint8Array;
  host: Int32Array;
  link: Int32Array;
  conn: Int32Array;
  peerConn: Int32Array;
  packet: Float64Array;
  original: Float64Array;
  deadline: Float64Array;
  name: Int32Array;
  from: Int32Array;
  to: Int32Array;
  tag: Int32Array;
  hasText: Uint8Array;
  proto: Uint8Array;
  flags: Uint16Array;
  sport: Uint16Array;
  dport: Uint16Array;
  src: Uint32Array;
  dst: Uint32Array;
  seq: Float64Array;
  ack: Float64Array;
  relSeq: Float64Array;
  relAck: Float64Array;
  win: Uint32Array;
  len: Uint32Array;
}

export interface FeedPage {
  run: number;
  first: number;
  end: number;
  dropped: number;
  next: number;
  count: number;
  cols: FeedColumns;
}

export interface RunResult {
  now: number;
  reached: boolean;
  events: number;
}

export interface RunBudget {
  maxEvents?: number;
  maxMs?: number;
}

/** The column names with their array types, to allocate and grow columns generically. */
export const COLUMN_TYPES = {
  time: Float64Array, kind: Uint8Array, host: Int32Array, link: Int32Array, conn: Int32Array,
  peerConn: Int32Array, packet: Float64Array, original: Float64Array, deadline: Float64Array,
  name: Int32Array, from: Int32Array, to: Int32Array, tag: Int32Array, hasText: Uint8Array,
  proto: Uint8Array, flags: Uint16Array, sport: Uint16Array, dport: Uint16Array, src: Uint32Array,
  dst: Uint32Array, seq: Float64Array, ack: Float64Array, relSeq: Float64Array, relAck: Float64Array,
  win: Uint32Array, len: Uint32Array,
} as const;
export type ColumnName = keyof typeof COLUMN_TYPES;
export const COLUMN_NAMES = Object.keys(COLUMN_TYPES) as ColumnName[];

export function allocColumns(n: number): FeedColumns {
  const cols = {} as Record<ColumnName, unknown>;
  for (const k of COLUMN_NAMES) cols[k] = new COLUMN_TYPES[k](n);
  return cols as FeedColumns;
}

/** The binary feed as the lead's API offers it (checked at run time). */
interface NativeFeedApi {
  feed(cursor: number, max?: number): FeedPage;
  labels(): string[];
  eventText(index: number): string;
  hostNames(): string[];
  linkNames(): string[];
  runUntil(t: number, budget?: RunBudget): RunResult | void;
}

function hasNativeFeed(pg: Playground): boolean {
  return typeof (pg as unknown as { feed?: unknown }).feed === 'function';
}

const FLAG_LETTERS: Record<string, number> = { F: 1, S: 2, R: 4, P: 8, '.': 16, U: 32, E: 64, W: 128 };

function ipToU32(s: string | undefined): number {
  if (!s) return 0;
  const p = s.split('.');
  return (((+p[0] << 24) >>> 0) + (+p[1] << 16) + (+p[2] << 8) + +p[3]) >>> 0;
}

/**
 * The page's view of one engine instance. Owns nothing but the Playground it wraps.
 */
export class EngineFeed {
  readonly pg: Playground;
  readonly native: boolean;
  // --- fallback state (no pg.feed yet) ---
  private labelList: string[] = [''];
  private labelIds = new Map<string, number>([['', 0]]);
  private texts = new Map<number, string>();
  private hosts: string[] = [];
  private links: string[] = [];
  private hostIndex = new Map<string, number>();
  private linkIndex = new Map<string, number>();
  /** Fallback packet ids: a packet in flight is found by its bytes' identity on its link. */
  private inFlight = new Map<string, number[]>();
  private nextPacketId = 1;
  private received = new Map<string, { id: number; t: number }>();
  /** Fallback relative numbers: the ISN of each direction of each flow. */
  private isn = new Map<string, number>();
  /** Fallback: the receiving connection, learnt from the state and timer events of a host's tuple. */
  private connByTuple = new Map<string, number>();

  constructor(pg: Playground) {
    this.pg = pg;
    this.native = hasNativeFeed(pg);
  }

  private get api(): NativeFeedApi {
    return this.pg as unknown as NativeFeedApi;
  }

  /** Call after load() and reset(): the fallback's derived ids start again. */
  restart(snapshot: Snapshot): void {
    this.hosts = snapshot.hosts.map((h) => h.name);
    this.links = snapshot.links.map((l) => l.name);
    this.hostIndex = new Map(this.hosts.map((h, i) => [h, i]));
    this.linkIndex = new Map(this.links.map((l, i) => [l, i]));
    this.texts.clear();
    this.inFlight.clear();
    this.isn.clear();
    this.connByTuple.clear();
    this.received.clear();
    this.nextPacketId = 1;
  }

  hostNames(): string[] {
    return this.native ? this.api.hostNames() : this.hosts;
  }

  linkNames(): string[] {
    return this.native ? this.api.linkNames() : this.links;
  }

  labels(): string[] {
    return this.native ? this.api.labels() : this.labelList;
  }

  eventText(index: number): string {
    return this.native ? this.api.eventText(index) : (this.texts.get(index) ?? '');
  }

  /**
   * Runs toward virtual time `t` (ns) within a budget; `reached` is false when the budget
   * stopped it first (call again next frame).
   */
  runUntil(t: number, budget: RunBudget = {}): RunResult {
    t = Math.floor(t); // the engine takes integer nanoseconds
    if (this.native) {
      const r = this.api.runUntil(t, budget);
      if (r && typeof r === 'object') return r;
    }
    // Fallback: one instant of virtual time at a time, checking the clock between instants.
    const maxMs = budget.maxMs ?? Infinity;
    const maxEvents = budget.maxEvents ?? Infinity;
    const start = performance.now();
    let instants = 0;
    for (;;) {
      const next = this.pg.nextEventTime();
      if (next < 0 || next > t) {
        if (this.pg.now() < t) this.pg.runUntil(t);
        return { now: this.pg.now(), reached: true, events: instants };
      }
      this.pg.runUntil(next);
      ++instants;
      if (instants >= maxEvents || performance.now() - start >= maxMs) {
        return { now: this.pg.now(), reached: false, events: instants };
      }
    }
  }

  /** Events [cursor, cursor + count), at most `max`. */
  feed(cursor: number, max = 65536): FeedPage {
    if (this.native) return this.api.feed(cursor, max);
    return this.fallbackFeed(this.pg.eventsSince(cursor, Math.min(max, 4096)));
  }

  // --- fallback: JSON events to columns ----------------------------------------------------------

  private label(s: string | undefined): number {
    if (!s) return 0;
    let id = this.labelIds.get(s);
    if (id === undefined) {
      id = this.labelList.length;
      this.labelList.push(s);
      this.labelIds.set(s, id);
    }
    return id;
  }

  private fallbackFeed(page: EventsPage): FeedPage {
    const n = page.events.length;
    const cols = allocColumns(n);
    for (let i = 0; i < n; ++i) this.fillRow(cols, i, page.events[i]);
    return { run: page.run, first: page.first, end: page.end, dropped: page.dropped, next: page.next, count: n, cols };
  }

  private fillRow(c: FeedColumns, i: number, e: TraceEvent): void {
    const kind = KIND_NAMES.indexOf(e.kind);
    c.time[i] = e.t_ns;
    c.kind[i] = kind;
    c.host[i] = e.host !== undefined ? (this.hostIndex.get(e.host) ?? -1) : -1;
    c.link[i] = e.link !== undefined ? (this.linkIndex.get(e.link) ?? -1) : -1;
    c.conn[i] = e.conn ?? -1;
    c.peerConn[i] = -1;
    c.deadline[i] = e.deadline_ns ?? -1;
    c.name[i] = this.label(e.name);
    c.from[i] = this.label(e.from);
    c.to[i] = this.label(e.to);
    if (e.tuple && e.conn !== undefined) this.connByTuple.set(`${c.host[i]} ${e.tuple}`, e.conn);
    if (e.text) this.texts.set(e.i, e.text);
    else if (e.detail) this.texts.set(e.i, e.detail);
    c.hasText[i] = e.text || e.detail ? 1 : 0;
    const p = e.pkt;
    if (!p) return;
    const proto = p.proto === 'tcp' ? 6 : p.proto === 'udp' ? 17 : p.proto === 'icmp' ? 1 : Number(p.proto);
    c.proto[i] = proto;
    let flags = 0;
    if (proto === 6) for (const ch of p.flags ?? '') flags |= FLAG_LETTERS[ch] ?? 0;
    else if (proto === 1) flags = ((p.type ?? 0) << 8) | (p.code ?? 0);
    c.flags[i] = flags;
    c.sport[i] = p.sport ?? 0;
    c.dport[i] = p.dport ?? 0;
    c.src[i] = ipToU32(p.src);
    c.dst[i] = ipToU32(p.dst);
    c.seq[i] = p.seq ?? 0;
    c.ack[i] = p.ack ?? 0;
    c.win[i] = p.win ?? 0;
    c.len[i] = p.len;
    // Relative numbers as Wireshark: 0 at the flow's SYN (or its first segment seen).
    if (proto === 6) {
      const fwd = `${p.src}:${p.sport}>${p.dst}:${p.dport}`;
      const rev = `${p.dst}:${p.dport}>${p.src}:${p.sport}`;
      if (kind === Kind.PacketSent && (flags & TcpFlag.SYN || !this.isn.has(fwd))) this.isn.set(fwd, p.seq ?? 0);
      const base = this.isn.get(fwd) ?? 0;
      c.relSeq[i] = ((p.seq ?? 0) - base + 4294967296) % 4294967296;
      const rbase = this.isn.get(rev);
      c.relAck[i] = flags & TcpFlag.ACK && rbase !== undefined ? ((p.ack ?? 0) - rbase + 4294967296) % 4294967296 : (p.ack ?? 0);
    }
    // Packet ids: a send opens one; the matching receive, drop or duplicate on that link uses it.
    const key = `${e.link ?? ''}|${p.src}|${p.dst}|${p.id}|${p.sport}|${p.dport}|${p.seq}|${p.ack}|${p.flags}|${p.len}|${p.ttl}`;
    if (kind === Kind.PacketSent) {
      const id = this.nextPacketId++;
      const list = this.inFlight.get(key);
      if (list) list.push(id);
      else this.inFlight.set(key, [id]);
      c.packet[i] = id;
    } else if (kind === Kind.PacketDuplicated) {
      const list = this.inFlight.get(key);
      const id = this.nextPacketId++;
      c.original[i] = list?.[0] ?? 0;
      if (list) list.push(id);
      else this.inFlight.set(key, [id]);
      c.packet[i] = id;
    } else {
      const local = key.slice(key.indexOf('|'));
      const recent = this.received.get(local);
      if (kind === Kind.PacketDropped && recent && recent.t === e.t_ns) {
        // Dropped by the host that just received it (no socket, a balancer without a flow ...).
        c.packet[i] = recent.id;
      } else {
        const list = this.inFlight.get(key);
        c.packet[i] = list?.[0] ?? 0;
        if (list) {
          list.shift();
          if (!list.length) this.inFlight.delete(key);
        }
        if (kind === Kind.PacketReceived && c.packet[i]) this.received.set(local, { id: c.packet[i], t: e.t_ns });
      }
      if (kind === Kind.PacketReceived && e.host !== undefined && p.sport !== undefined) {
        const tuple = `${p.dst}:${p.dport} > ${p.src}:${p.sport}`;
        c.peerConn[i] = this.connByTuple.get(`${c.host[i]} ${tuple}`) ?? -1;
      }
    }
  }
}
