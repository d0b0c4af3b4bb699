// The binary event feed: trace events as typed-array columns copied straight out of the
// module's memory (engine/api/event_feed.h), about a hundred times faster than JSON events.
import type { TcpPlayModule } from './module.js';

/** Event kinds by their number in the `kind` column (the engine's TraceKind order). */
export const FEED_KINDS = [
  'packet_sent',
  'packet_received',
  'packet_dropped',
  'state_change',
  'timer_set',
  'timer_fired',
  'timer_cancelled',
  'app',
  'param_change',
  'note',
  'packet_duplicated',
  'lesson_point',
  'socket_error',
] as const;
export type FeedKind = (typeof FEED_KINDS)[number];

/** TCP flag bits in the `flags` column. */
export const TCP_FLAGS = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16, URG: 32, ECE: 64, CWR: 128, AE: 256 } as const;

/** One array per field, `count` long; row r is event `first + r` of the page. */
export interface FeedColumns {
  /** Virtual time, ns. */
  time: Float64Array;
  /** Index into FEED_KINDS. */
  kind: Uint8Array;
  /** Host index (hostNames()), -1 for none. */
  host: Int32Array;
  /** Link index (linkNames()), -1 for none. */
  link: Int32Array;
  /** Connection id; for packet events the sending connection. -1 for none. */
  conn: Int32Array;
  /** Packet events: the receiving connection, -1 for none. */
  peerConn: Int32Array;
  /** Packet id, 0 for none: a transmission's sent, received, dropped events share it. */
  packet: Float64Array;
  /** packet_duplicated: the id of the packet copied; lesson_point: the watch item's number (from 1); else 0. */
  original: Float64Array;
  /** timer_set: the deadline (ns); else -1. */
  deadline: Float64Array;
  /** Label id (labels()): timer name, drop reason, app name or parameter path; socket_error:
   * the errno ("ECONNREFUSED"); 0 = "". */
  name: Int32Array;
  /** state_change: label ids of the old and new state ("SYN_SENT"); socket_error: `from` is
   * the call that failed ("connect", "read", "send", "recv", "listen", "bind"). */
  from: Int32Array;
  to: Int32Array;
  /** Packet events: label id of why it was sent ("retransmission", "keepalive" ...); 0 = ordinary. */
  tag: Int32Array;
  /** 1 when eventText(index) has text (the tcpdump line of a packet_sent, else a detail). */
  hasText: Uint8Array;
  /** Packet fields (packet events; 0 otherwise). IP protocol: 6 TCP, 17 UDP, 1 ICMP. */
  proto: Uint8Array;
  /** TCP flag bits (TCP_FLAGS); ICMP: type << 8 | code. */
  flags: Uint16Array;
  sport: Uint16Array;
  dport: Uint16Array;
  /** IPv4 addresses as unsigned 32-bit numbers (10.0.0.1 = 0x0a000001). */
  src: Uint32Array;
  dst: Uint32Array;
  /** Absolute sequence and acknowledgment numbers. */
  seq: Float64Array;
  ack: Float64Array;
  /** Relative to the ISN of each direction, as Wireshark shows them (the SYN is 0). */
  relSeq: Float64Array;
  relAck: Float64Array;
  /** The window field as sent (unscaled). */
  win: Uint32Array;
  /** Payload bytes. */
  len: Uint32Array;
}

export interface FeedPage {
  /** Changes with every load/reset: a cursor from another run is stale. */
  run: number;
  /** First retained event index, and one past the last event. */
  first: number;
  end: number;
  /** Events at or after the cursor that retention removed before they were read. */
  dropped: number;
  /** The cursor for the next call. */
  next: number;
  count: number;
  cols: FeedColumns;
}

/** The raw page the module returns: column addresses instead of arrays. */
export interface RawFeedPage {
  run: number;
  first: number;
  end: number;
  dropped: number;
  next: number;
  count: number;
  /** The columns' block in the module's memory: its address and length in bytes. */
  block: number;
  bytes: number;
  /** Each column's address (inside the block). */
  ptrs: number[];
}

// Column order and element types, as EventFeed::Column in engine/api/event_feed.h.
type ArrayCtor =
  | Float64ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Uint16ArrayConstructor
  | Uint8ArrayConstructor;
const COLUMNS: [keyof FeedColumns, ArrayCtor][] = [
  ['time', Float64Array],
  ['kind', Uint8Array],
  ['host', Int32Array],
  ['link', Int32Array],
  ['conn', Int32Array],
  ['peerConn', Int32Array],
  ['packet', Float64Array],
  ['original', Float64Array],
  ['deadline', Float64Array],
  ['name', Int32Array],
  ['from', Int32Array],
  ['to', Int32Array],
  ['tag', Int32Array],
  ['hasText', Uint8Array],
  ['proto', Uint8Array],
  ['flags', Uint16Array],
  ['sport', Uint16Array],
  ['dport', Uint16Array],
  ['src', Uint32Array],
  ['dst', Uint32Array],
  ['seq', Float64Array],
  ['ack', Float64Array],
  ['relSeq', Float64Array],
  ['relAck', Float64Array],
  ['win', Uint32Array],
  ['len', Uint32Array],
];

/**
 * The columns of a raw page as views into the module's memory: no copy, no allocation (fresh
 * memory is what costs most: a page-sized copy per call ran at a quarter of the engine's speed).
 * They are valid until the next call on the playground; copy what you keep.
 */
export function viewFeedPage(module: TcpPlayModule, raw: RawFeedPage): FeedPage {
  if (raw.ptrs.length !== COLUMNS.length) {
    throw new Error(`feed: the module has ${raw.ptrs.length} columns, this wrapper expects ${COLUMNS.length}`);
  }
  const buffer = module.HEAP8.buffer as ArrayBuffer;
  const cols = {} as Record<keyof FeedColumns, unknown>;
  COLUMNS.forEach(([name, Ctor], i) => {
    cols[name] = new Ctor(buffer, raw.ptrs[i], raw.count);
  });
  const { run, first, end, dropped, next, count } = raw;
  return { run, first, end, dropped, next, count, cols: cols as unknown as FeedColumns };
}

/** A page whose columns the caller owns (one copy of each column). */
export function copyFeedPage(page: FeedPage): FeedPage {
  const cols = {} as Record<keyof FeedColumns, unknown>;
  for (const [name] of COLUMNS) cols[name] = page.cols[name].slice();
  return { ...page, cols: cols as unknown as FeedColumns };
}

/** "10.0.0.1" for an address from the src/dst columns. */
export function formatIpv4(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}
