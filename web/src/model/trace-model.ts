// The page's copy of a run's trace: the feed's columns in growable typed arrays, plus what the
// views derive from them (one row per packet transmission, timer spans, state changes, scrubber
// markers), built incrementally as pages arrive. No DOM here.
import { COLUMN_NAMES, COLUMN_TYPES, ColumnName, FeedColumns, FeedPage, Kind, TcpFlag, allocColumns } from '../engine/feed';

/** Why a packet stands out (drawn with a colour and a short tag). */
export const enum Mark {
  None = 0,
  Retransmission = 1,
  Duplicate = 2,
  ZeroWindowProbe = 3,
  Keepalive = 4,
  ChallengeAck = 5,
  DupAck = 6,
  ZeroWindow = 7,
  RstReply = 8,
  Other = 9,
  WindowUpdate = 10,
}

/** Engine tags ("retransmission" ...) to marks. */
const TAG_MARKS: Record<string, Mark> = {
  retransmission: Mark.Retransmission,
  duplicate: Mark.Duplicate,
  zero_window_probe: Mark.ZeroWindowProbe,
  keepalive: Mark.Keepalive,
  challenge_ack: Mark.ChallengeAck,
  rst_reply: Mark.RstReply,
};

/** How much of the next, larger columns one append may allocate ahead (bytes). */
const GROW_AHEAD_BYTES = 1 << 20;

/** Timers armed for longer than this (ns) are kept in their own list for drawing. */
export const LONG_TIMER = 2e9;

export const enum TimerEnd {
  Armed = 0,
  Fired = 1,
  Cancelled = 2,
  Rearmed = 3,
}

/** Scrubber marker kinds. */
export const enum Marker {
  State = 0,
  Drop = 1,
  TimerFired = 2,
}

/** A typed array that doubles as it is pushed to: `a[0..n)` holds the values. */
class Growable<T extends Float64Array | Int32Array> {
  n = 0;
  constructor(
    public a: T,
    private readonly make: (size: number) => T,
  ) {}
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = this.make(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
  clear(): void {
    this.n = 0;
  }
  truncate(n: number): void {
    this.n = Math.min(this.n, n);
  }
}

class F64 extends Growable<Float64Array> {
  constructor() {
    super(new Float64Array(256), (size) => new Float64Array(size));
  }
}

class I32 extends Growable<Int32Array> {
  constructor() {
    super(new Int32Array(256), (size) => new Int32Array(size));
  }
}

/** Binary search: the first index in sorted a[0..n) whose value is >= v. */
export function lowerBound(a: Float64Array, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index whose value is > v. */
export function upperBound(a: Float64Array, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One number for (host, connection, timer name): no string per timer event. */
function timerKey(host: number, conn: number, name: number): number {
  return ((host + 1) * 2 ** 24 + (conn + 1)) * 2 ** 16 + name;
}

interface FlowState {
  maxEnd: number;
  lastAck: number;
  lastWin: number;
  peerWin: number;
  hasAck: boolean;
}

export class TraceModel {
  /** Events held: index i here is trace event `base + i`. */
  n = 0;
  base = 0;
  cols: FeedColumns = allocColumns(1024);
  labels: string[] = [''];
  hostNames: string[] = [];
  linkNames: string[] = [];
  /** Each link's two ends (host indexes) and its one-way delay (ns), from the snapshot. */
  linkEnds: Array<[number, number]> = [];
  linkDelay: number[] = [];
  /** Grows with every change, so views can cache against it. */
  version = 0;
  /** Grows when the held events are cut or replaced (a new lesson, a seek back). */
  epoch = 0;

  // Packets: one row per transmission on one link, in order of sending.
  pSend = new F64();
  pEnd = new F64(); // arrival or drop time; NaN while in flight
  pSendEv = new I32();
  pRecvEv = new I32();
  pDropEv = new I32();
  pFrom = new I32();
  pTo = new I32();
  pMark = new I32();
  /** The longest flight seen (ns): how far before a window to look for arrows crossing it. */
  maxFlight = 0;
  /**
   * Packet id -> row. The engine numbers packets consecutively, so this is an array from the
   * first id seen rather than a Map: no hash table of 100,000 entries for the collector.
   */
  private rowByPacket = new I32();
  private firstPacket = -1;

  // Timer spans.
  tStart = new F64();
  tEnd = new F64(); // NaN while armed
  tDeadline = new F64();
  tHost = new I32();
  tConn = new I32();
  tName = new I32();
  tEndKind = new I32();
  private openTimer = new Map<number, number>();
  /** Timer rows armed for longer than LONG_TIMER, in order. */
  longTimers = new I32();

  /** state_change event indexes (model-relative). */
  states = new I32();
  /** app and note event indexes: what applications and balancers say. */
  apps = new I32();
  /** Scrubber markers. */
  markTime = new F64();
  markKind = new I32();

  /** Connection -> host, and a name for each connection (its tuple) for the log filter. */
  connHost = new Map<number, number>();

  private flows = new Map<number, FlowState>();
  private lastChallengeDrop = new Map<number, number>();

  reset(names: { hosts: string[]; links: string[]; linkEnds: Array<[number, number]>; linkDelay: number[] }): void {
    this.n = 0;
    this.base = 0;
    this.labels = [''];
    this.hostNames = names.hosts;
    this.linkNames = names.links;
    this.linkEnds = names.linkEnds;
    this.linkDelay = names.linkDelay;
    for (const c of [this.pSend, this.pEnd, this.pSendEv, this.pRecvEv, this.pDropEv, this.pFrom, this.pTo, this.pMark,
      this.tStart, this.tEnd, this.tDeadline, this.tHost, this.tConn, this.tName, this.tEndKind, this.longTimers, this.states, this.apps,
      this.markTime, this.markKind]) c.clear();
    this.dropSpare();
    this.rowByPacket.clear();
    this.firstPacket = -1;
    this.openTimer.clear();
    this.flows.clear();
    this.lastChallengeDrop.clear();
    this.connHost.clear();
    this.maxFlight = 0;
    ++this.version;
    ++this.epoch;
  }

  label(id: number): string {
    return this.labels[id] ?? '';
  }

  /** Time of the last event held, or 0. */
  lastTime(): number {
    return this.n ? this.cols.time[this.n - 1] : 0;
  }

  // Growing: the columns double, and the larger set is made ahead, a few megabytes per page
  // appended once the columns are half full, with the events held so far copied in as it goes.
  // Done at once, at 262,144 events, it was a 50 ms task: 32 MB of new memory, which the browser
  // commits page by page on first write, and 16 MB copied.
  private spare: Partial<FeedColumns> = {};
  private spareSize = 0;
  /** How many events each spare column already holds (a prefix of the events held). */
  private spareCopied: Partial<Record<ColumnName, number>> = {};

  private dropSpare(): void {
    this.spare = {};
    this.spareCopied = {};
    this.spareSize = 0;
  }

  private ensure(cap: number): void {
    const have = this.cols.time.length;
    if (cap <= have) return;
    let size = have;
    while (size < cap) size *= 2;
    if (this.spareSize !== size) this.dropSpare();
    const next = {} as Record<string, unknown>;
    for (const k of COLUMN_NAMES) {
      const col = (this.spare[k] ?? new COLUMN_TYPES[k](size)) as InstanceType<(typeof COLUMN_TYPES)[typeof k]>;
      const from = this.spareCopied[k] ?? 0;
      col.set(this.cols[k].subarray(from, this.n) as never, from);
      next[k] = col;
    }
    this.cols = next as unknown as FeedColumns;
    this.dropSpare();
  }

  /**
   * Once the columns are half full: makes up to GROW_AHEAD_BYTES of the next, doubled columns,
   * and copies the new events into those already made.
   */
  private growAhead(): void {
    const have = this.cols.time.length;
    if (this.n * 2 < have) return;
    if (this.spareSize !== have * 2) {
      this.dropSpare();
      this.spareSize = have * 2;
    }
    let bytes = 0;
    for (const k of COLUMN_NAMES) {
      const made = this.spare[k];
      if (made) {
        // Keeps it up to date, so the switch copies little.
        made.set(this.cols[k].subarray(this.spareCopied[k] ?? 0, this.n) as never, this.spareCopied[k] ?? 0);
      } else {
        if (bytes >= GROW_AHEAD_BYTES) continue;
        const col = new COLUMN_TYPES[k](this.spareSize);
        col.set(this.cols[k].subarray(0, this.n) as never);
        (this.spare as Record<string, unknown>)[k] = col;
        bytes += col.byteLength;
      }
      this.spareCopied[k] = this.n;
    }
  }

  /** Appends a feed page (its events must follow the ones held). */
  append(page: FeedPage, labels: () => string[]): void {
    if (!page.count) return;
    const firstIndex = page.next - page.count;
    if (this.n === 0) this.base = firstIndex;
    // Events already held (a seek back reads the run again) are skipped.
    const skip = Math.max(0, this.base + this.n - firstIndex);
    const count = page.count - skip;
    if (count <= 0) return;
    this.ensure(this.n + count);
    for (const k of COLUMN_NAMES) {
      const src = page.cols[k] as unknown as Float64Array;
      (this.cols[k] as Float64Array).set(skip ? src.subarray(skip, page.count) : src.subarray(0, page.count), this.n);
    }
    // Label ids only grow: refetch when one is past the end.
    let maxLabel = 0;
    const pc = page.cols;
    for (let i = skip; i < page.count; ++i) maxLabel = Math.max(maxLabel, pc.name[i], pc.from[i], pc.to[i], pc.tag[i]);
    if (maxLabel >= this.labels.length) this.labels = labels().slice();
    const start = this.n;
    this.n += count;
    for (let i = start; i < this.n; ++i) this.derive(i);
    this.growAhead();
    ++this.version;
  }

  /** Keeps only the events with time <= t (a seek back); derived data is rebuilt. */
  truncateToTime(t: number): void {
    const keep = upperBound(this.cols.time, this.n, t);
    if (keep === this.n) return;
    const n = keep;
    const labels = this.labels;
    const { hostNames: hosts, linkNames: links, linkEnds, linkDelay, base } = this;
    this.reset({ hosts, links, linkEnds, linkDelay });
    this.labels = labels;
    this.base = base;
    this.n = n;
    for (let i = 0; i < n; ++i) this.derive(i);
    ++this.version;
  }

  private setPacketRow(id: number, row: number): void {
    if (this.firstPacket < 0) this.firstPacket = id;
    const k = id - this.firstPacket;
    if (k < 0) return;
    const ids = this.rowByPacket;
    while (ids.n <= k) ids.push(-1);
    ids.a[k] = row;
  }

  private packetRowOf(id: number): number | undefined {
    const k = id - this.firstPacket;
    if (this.firstPacket < 0 || k < 0 || k >= this.rowByPacket.n) return undefined;
    const row = this.rowByPacket.a[k];
    return row >= 0 ? row : undefined;
  }

  private otherEnd(link: number, host: number): number {
    const ends = this.linkEnds[link];
    if (!ends) return -1;
    return ends[0] === host ? ends[1] : ends[0];
  }

  private derive(i: number): void {
    const c = this.cols;
    const kind = c.kind[i];
    const t = c.time[i];
    if (c.conn[i] >= 0 && c.host[i] >= 0 && kind >= Kind.StateChange && kind <= Kind.TimerCancelled) this.connHost.set(c.conn[i], c.host[i]);
    switch (kind) {
      case Kind.PacketSent:
      case Kind.PacketDuplicated: {
        const row = this.pSend.n;
        this.setPacketRow(c.packet[i], row);
        this.pSend.push(t);
        this.pEnd.push(NaN);
        this.pSendEv.push(i);
        this.pRecvEv.push(-1);
        this.pDropEv.push(-1);
        this.pFrom.push(c.host[i]);
        this.pTo.push(this.otherEnd(c.link[i], c.host[i]));
        this.pMark.push(kind === Kind.PacketDuplicated ? Mark.Duplicate : this.markOf(i));
        if (c.conn[i] >= 0 && c.host[i] >= 0) this.connHost.set(c.conn[i], c.host[i]);
        break;
      }
      case Kind.PacketReceived: {
        const row = this.packetRowOf(c.packet[i]);
        if (row !== undefined) {
          this.pRecvEv.a[row] = i;
          this.pEnd.a[row] = t;
          this.pTo.a[row] = c.host[i];
          this.maxFlight = Math.max(this.maxFlight, t - this.pSend.a[row]);
        }
        if (c.peerConn[i] >= 0 && c.host[i] >= 0) this.connHost.set(c.peerConn[i], c.host[i]);
        break;
      }
      case Kind.PacketDropped: {
        let row = c.packet[i] ? this.packetRowOf(c.packet[i]) : undefined;
        if (row === undefined && c.host[i] >= 0 && c.link[i] >= 0 && c.proto[i]) {
          // Dropped before it left (a full queue, the MTU): a packet that never got sent.
          row = this.pSend.n;
          if (c.packet[i]) this.setPacketRow(c.packet[i], row);
          this.pSend.push(t);
          this.pEnd.push(t);
          this.pSendEv.push(i);
          this.pRecvEv.push(-1);
          this.pDropEv.push(-1);
          this.pFrom.push(c.host[i]);
          this.pTo.push(this.otherEnd(c.link[i], c.host[i]));
          this.pMark.push(Mark.None);
        }
        if (row !== undefined && this.pDropEv.a[row] < 0) {
          this.pDropEv.a[row] = i;
          if (Number.isNaN(this.pEnd.a[row])) this.pEnd.a[row] = t;
          this.maxFlight = Math.max(this.maxFlight, t - this.pSend.a[row]);
        }
        if (this.label(c.name[i]).includes('challenge_ack')) this.lastChallengeDrop.set(c.host[i], t);
        this.markTime.push(t);
        this.markKind.push(Marker.Drop);
        break;
      }
      case Kind.App:
      case Kind.Note:
      case Kind.SocketError:
        if (c.host[i] >= 0) this.apps.push(i);
        break;
      case Kind.StateChange:
        this.states.push(i);
        this.markTime.push(t);
        this.markKind.push(Marker.State);
        break;
      case Kind.TimerSet: {
        const key = timerKey(c.host[i], c.conn[i], c.name[i]);
        const open = this.openTimer.get(key);
        if (open !== undefined) {
          this.tEnd.a[open] = t;
          this.tEndKind.a[open] = TimerEnd.Rearmed;
        }
        this.openTimer.set(key, this.tStart.n);
        if (c.deadline[i] - t > LONG_TIMER) this.longTimers.push(this.tStart.n);
        this.tStart.push(t);
        this.tEnd.push(NaN);
        this.tDeadline.push(c.deadline[i]);
        this.tHost.push(c.host[i]);
        this.tConn.push(c.conn[i]);
        this.tName.push(c.name[i]);
        this.tEndKind.push(TimerEnd.Armed);
        break;
      }
      case Kind.TimerFired:
      case Kind.TimerCancelled: {
        const key = timerKey(c.host[i], c.conn[i], c.name[i]);
        const open = this.openTimer.get(key);
        if (open !== undefined) {
          this.tEnd.a[open] = t;
          this.tEndKind.a[open] = kind === Kind.TimerFired ? TimerEnd.Fired : TimerEnd.Cancelled;
          this.openTimer.delete(key);
        }
        if (kind === Kind.TimerFired) {
          this.markTime.push(t);
          this.markKind.push(Marker.TimerFired);
        }
        break;
      }
      default:
        break;
    }
  }

  /** Why a packet stands out: the engine's tag, else Wireshark-like analysis of the flow. */
  private markOf(i: number): Mark {
    const c = this.cols;
    const tag = this.label(c.tag[i]);
    if (tag) return TAG_MARKS[tag] ?? Mark.Other;
    if (c.proto[i] !== 6) return Mark.None;
    const flags = c.flags[i];
    // Per link: a router forwards the same segment again on its next hop. Numeric keys (no
    // string per packet): link, the two ports, and the addresses folded in.
    const a = c.src[i], b = c.dst[i];
    const link = (c.link[i] + 1) & 0x7ff;
    const key = ((a ^ Math.imul(b, 31)) & 0x3ff) * 2 ** 43 + link * 2 ** 32 + c.sport[i] * 65536 + c.dport[i];
    const rkey = ((b ^ Math.imul(a, 31)) & 0x3ff) * 2 ** 43 + link * 2 ** 32 + c.dport[i] * 65536 + c.sport[i];
    let f = this.flows.get(key);
    if (!f) {
      f = { maxEnd: -1, lastAck: -1, lastWin: -1, peerWin: -1, hasAck: false };
      this.flows.set(key, f);
    }
    const seq = c.relSeq[i];
    const len = c.len[i];
    const end = seq + len + (flags & TcpFlag.SYN ? 1 : 0) + (flags & TcpFlag.FIN ? 1 : 0);
    const rev = this.flows.get(rkey);
    if (rev) rev.peerWin = c.win[i];
    let mark = Mark.None;
    if (flags & TcpFlag.RST) mark = Mark.None;
    else if (end > seq && end <= f.maxEnd && !(flags & TcpFlag.SYN && f.maxEnd < 0)) {
      // Keepalive: one byte (or none) below what was sent, on an idle connection.
      if (len <= 1 && seq === f.maxEnd - 1 && !(flags & (TcpFlag.SYN | TcpFlag.FIN))) mark = f.peerWin === 0 ? Mark.ZeroWindowProbe : Mark.Keepalive;
      else mark = Mark.Retransmission;
    } else if (len === 0 && end === seq && seq === f.maxEnd - 1 && !(flags & (TcpFlag.SYN | TcpFlag.FIN)) && f.maxEnd > 1) {
      mark = f.peerWin === 0 ? Mark.ZeroWindowProbe : Mark.Keepalive;
    } else if (len <= 1 && f.peerWin === 0 && !(flags & (TcpFlag.SYN | TcpFlag.FIN)) && len === 1) {
      mark = Mark.ZeroWindowProbe;
    } else if (this.lastChallengeDrop.get(c.host[i]) === c.time[i] && flags & TcpFlag.ACK && len === 0) {
      mark = Mark.ChallengeAck;
      this.lastChallengeDrop.delete(c.host[i]);
    } else if (flags & TcpFlag.ACK && len === 0 && !(flags & (TcpFlag.SYN | TcpFlag.FIN)) && f.hasAck &&
      c.relAck[i] === f.lastAck && c.win[i] === f.lastWin) {
      mark = Mark.DupAck;
    } else if (flags & TcpFlag.ACK && c.win[i] === 0 && !(flags & TcpFlag.SYN)) {
      mark = Mark.ZeroWindow;
    } else if (flags & TcpFlag.ACK && len === 0 && !(flags & (TcpFlag.SYN | TcpFlag.FIN)) && f.hasAck &&
      c.relAck[i] === f.lastAck && c.win[i] !== f.lastWin) {
      // Same ACK, new window: a window update (Wireshark's tcp.analysis.window_update).
      mark = Mark.WindowUpdate;
    }
    if (end > f.maxEnd) f.maxEnd = end;
    if (flags & TcpFlag.ACK) {
      f.lastAck = c.relAck[i];
      f.lastWin = c.win[i];
      f.hasAck = true;
    }
    return mark;
  }

  /** The packet row of an event (sent, received, dropped), or -1. */
  rowOfEvent(i: number): number {
    const id = this.cols.packet[i];
    if (!id) return -1;
    return this.packetRowOf(id) ?? -1;
  }

  /**
   * The packet that acknowledges row `row` (TCP with data, SYN or FIN): the first segment the
   * other way on the same flow whose ACK covers its end. -1 if none (yet).
   */
  coveringAck(row: number): number {
    const c = this.cols;
    const i = this.pSendEv.a[row];
    if (c.proto[i] !== 6) return -1;
    const flags = c.flags[i];
    const len = c.len[i] + (flags & TcpFlag.SYN ? 1 : 0) + (flags & TcpFlag.FIN ? 1 : 0);
    if (!len) return -1;
    const end = c.seq[i] + len;
    const limit = Math.min(this.pSend.n, row + 20000);
    for (let r = row + 1; r < limit; ++r) {
      const j = this.pSendEv.a[r];
      if (c.proto[j] === 6 && c.src[j] === c.dst[i] && c.dst[j] === c.src[i] && c.sport[j] === c.dport[i] &&
        c.dport[j] === c.sport[i] && c.flags[j] & TcpFlag.ACK) {
        const d = (c.ack[j] - end + 4294967296) % 4294967296;
        if (d < 2147483648) return r;
      }
    }
    return -1;
  }
}
