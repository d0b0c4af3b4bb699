// What each socket's application sees, derived from the trace model (app events, state changes,
// UDP and ICMP packets) and the engine's snapshot, for the socket panel. No DOM.
//
// TCP: "connected" (the first ESTABLISHED), data handed to the application (the runner's
// "received N bytes" app events), bytes still waiting in the receive buffer (snapshot), end of
// stream (the peer's FIN), and how the connection ended (closed: refused, reset, timeout, aborted,
// with the cause of its last state change). UDP: the datagrams that arrived at a bound port and
// the ICMP errors that came back for datagrams it sent (the quoted UDP header names the port).
import type { ClosedConnectionInfo, ConnectionInfo, PacketDetail, Snapshot } from '../../api/playground';
import { Kind } from '../engine/feed';
import type { TraceModel } from './trace-model';

export type ViewKind = 'info' | 'ok' | 'data' | 'eof' | 'error';

export interface ViewLine {
  kind: ViewKind;
  /** Virtual time (ns), NaN for "now" (a buffer level from the snapshot). */
  time: number;
  /** A message key of the socket panel and its parameters (the component words it). */
  key: string;
  params: Record<string, string | number>;
}

/** Each connection's state changes and app events (model indexes, in order), in one pass. */
export function eventsByConn(m: TraceModel): Map<number, number[]> {
  const out = new Map<number, number[]>();
  const c = m.cols;
  const add = (i: number) => {
    const conn = c.conn[i];
    if (conn < 0) return;
    let l = out.get(conn);
    if (!l) out.set(conn, (l = []));
    l.push(i);
  };
  for (let k = 0; k < m.states.n; ++k) add(m.states.a[k]);
  for (let k = 0; k < m.apps.n; ++k) add(m.apps.a[k]);
  for (const l of out.values()) l.sort((a, b) => a - b);
  return out;
}

/**
 * A connection's app-visible history from its events (eventsByConn), the snapshot's live or
 * closed entry, and `text` (a model index's event text: a state change's cause, an app line).
 */
export function tcpView(
  m: TraceModel,
  events: number[],
  live: ConnectionInfo | undefined,
  closed: ClosedConnectionInfo | undefined,
  text: (modelIndex: number) => string,
): ViewLine[] {
  const out: ViewLine[] = [];
  const c = m.cols;
  let connected = false;
  let lastCause = '';
  for (const i of events) {
    const t = c.time[i];
    if (c.kind[i] === Kind.StateChange) {
      const to = m.label(c.to[i]);
      lastCause = text(i);
      if (to === 'ESTABLISHED' && !connected) {
        connected = true;
        out.push({ kind: 'ok', time: t, key: 'sockets.seen.connected', params: {} });
      }
      continue;
    }
    if (c.kind[i] !== Kind.App) continue;
    const what = text(i);
    const rec = /^received (\d+) bytes?(?: "(.*)")?$/.exec(what);
    if (rec) out.push({ kind: 'data', time: t, key: rec[2] !== undefined ? 'sockets.seen.data' : 'sockets.seen.dataBytes', params: { n: Number(rec[1]), text: rec[2] ?? '' } });
    else if (what.startsWith('end of stream')) out.push({ kind: 'eof', time: t, key: 'sockets.seen.eof', params: {} });
  }
  if (live && live.recv_buffered > 0) out.push({ kind: 'info', time: NaN, key: 'sockets.seen.readable', params: { n: live.recv_buffered } });
  if (live && !connected && (live.state === 'SYN_SENT' || live.state === 'SYN_RECEIVED')) out.push({ kind: 'info', time: NaN, key: 'sockets.seen.connecting', params: {} });
  if (closed) {
    const key =
      closed.reason === 'refused' ? 'sockets.seen.refused'
      : closed.reason === 'reset' ? 'sockets.seen.reset'
      : closed.reason === 'timeout' ? 'sockets.seen.timedOut'
      : closed.reason === 'aborted' ? 'sockets.seen.aborted'
      : 'sockets.seen.closed';
    out.push({ kind: closed.reason === 'closed' ? 'info' : 'error', time: closed.closed_at_ns, key, params: { cause: lastCause } });
  }
  return out;
}

export interface Datagram {
  time: number;
  packet: number;
  from: string;
  bytes: number;
}

export interface IcmpError {
  time: number;
  packet: number;
  /** The address that sent the ICMP error, and the destination of the datagram it quotes. */
  from: string;
  to: string;
  type: number;
  code: number;
}

/** Per (host index, port): datagrams that arrived (the last few kept, all counted) and ICMP errors. */
export interface UdpPortLog {
  count: number;
  last: Datagram[];
  errors: IcmpError[];
}

const KEEP = 5;

function ipText(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

/** The quoted UDP header's ports and destination of an ICMP error, or null. */
export function quotedUdp(p: PacketDetail): { sport: number; dport: number; dst: string } | null {
  const icmp = p.layers.find((l) => l.name === 'icmp');
  const q = icmp?.quoted;
  const ip = q?.find((l) => l.name === 'quoted ipv4');
  const udp = q?.find((l) => l.name === 'quoted udp');
  if (!udp) return null;
  const field = (layer: typeof udp | undefined, suffix: string) => layer?.fields.find((f) => f.name.endsWith(suffix));
  const sport = field(udp, 'srcport')?.number;
  const dport = field(udp, 'dstport')?.number;
  const dst = field(ip, '.dst')?.value ?? '';
  if (sport === undefined || dport === undefined) return null;
  return { sport, dport, dst };
}

/**
 * Reads the model's UDP and ICMP arrivals incrementally (from `from`), into `logs` keyed
 * `host:port`; `packet` dissects an ICMP error (only those are looked at). Returns the next index.
 */
export function scanUdp(m: TraceModel, from: number, logs: Map<string, UdpPortLog>, packet: (id: number) => PacketDetail | null): number {
  const c = m.cols;
  const get = (key: string) => {
    let l = logs.get(key);
    if (!l) logs.set(key, (l = { count: 0, last: [], errors: [] }));
    return l;
  };
  for (let i = from; i < m.n; ++i) {
    if (c.kind[i] !== Kind.PacketReceived || c.host[i] < 0) continue;
    if (c.proto[i] === 17) {
      const l = get(`${c.host[i]}:${c.dport[i]}`);
      ++l.count;
      l.last.push({ time: c.time[i], packet: c.packet[i], from: `${ipText(c.src[i])}:${c.sport[i]}`, bytes: c.len[i] });
      if (l.last.length > KEEP) l.last.shift();
    } else if (c.proto[i] === 1 && c.flags[i] >> 8 === 3) {
      // Destination unreachable (RFC 792): which of our ports sent the datagram it quotes.
      const p = packet(c.packet[i]);
      const q = p && quotedUdp(p);
      if (!q) continue;
      const l = get(`${c.host[i]}:${q.sport}`);
      l.errors.push({ time: c.time[i], packet: c.packet[i], from: ipText(c.src[i]), to: `${q.dst}:${q.dport}`, type: 3, code: c.flags[i] & 255 });
      if (l.errors.length > KEEP) l.errors.shift();
    }
  }
  return m.n;
}

/** A datagram's payload as text (non-printable bytes as '.') and as hex. */
export function payloadOf(p: PacketDetail): { text: string; hex: string } {
  const layer = p.layers.find((l) => l.name === 'payload');
  if (!layer) return { text: '', hex: '' };
  const bytes = p.bytes.subarray(layer.offset, layer.offset + layer.length);
  let text = '';
  const hex: string[] = [];
  for (const b of bytes) {
    text += b >= 32 && b < 127 ? String.fromCharCode(b) : '.';
    hex.push(b.toString(16).padStart(2, '0'));
  }
  return { text, hex: hex.join(' ') };
}

/** Hosts by name -> index, for the UDP logs' keys. */
export function hostIndex(s: Snapshot): Map<string, number> {
  return new Map(s.hosts.map((h) => [h.name, h.index]));
}
