// The one adapter between the page and the engine's API (web/api/playground.ts): budgeted runs,
// the binary event feed (typed-array columns), labels, event text, host and link names. The rest
// of the page talks to an EngineFeed, never to the Playground directly, so API changes land here.
import type { FeedColumns, FeedPage, Playground, RunResult, Budget as RunBudget } from '../../api/playground';

export type { FeedColumns, FeedPage, RunBudget, RunResult };

/** Event kinds in the feed's `kind` column (the API's FEED_KINDS, as numbers). */
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
  /** A lesson's watch item was reached: `original` is its number (from 1). */
  LessonPoint = 11,
  /** What a socket call returned as an error: `name` is the errno, `from` the call. */
  SocketError = 12,
}

/** TCP flag bits in the feed's `flags` column (the API's TCP_FLAGS). */
export const TcpFlag = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16, URG: 32, ECE: 64, CWR: 128, AE: 256 } as const;

/** The column names with their array types, to allocate and grow the model's columns. */
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

/** The page's view of one engine instance. */
export class EngineFeed {
  readonly pg: Playground;
  private hosts: string[] = [];
  private links: string[] = [];

  constructor(pg: Playground) {
    this.pg = pg;
  }

  /** Call after load() and reset(). */
  restart(): void {
    this.hosts = this.pg.hostNames();
    this.links = this.pg.linkNames();
  }

  hostNames(): string[] {
    return this.hosts;
  }

  linkNames(): string[] {
    return this.links;
  }

  /** Label text by id; ids only grow during a run (refetch when one is past the end). */
  labels(): string[] {
    return this.pg.labels();
  }

  /** The tcpdump line of a packet_sent, the detail of other events; '' when none. */
  eventText(index: number): string {
    return this.pg.eventText(index);
  }

  /**
   * Runs toward virtual time `t` (ns) within a budget; `reached` is false when the budget
   * stopped it first (call again next frame).
   */
  runUntil(t: number, budget: RunBudget = {}): RunResult {
    return this.pg.runUntil(Math.floor(t), budget); // the engine takes integer nanoseconds
  }

  /** Events [cursor, cursor + count), at most `max`. */
  feed(cursor: number, max = 65536): FeedPage {
    return this.pg.feed(cursor, max);
  }
}
