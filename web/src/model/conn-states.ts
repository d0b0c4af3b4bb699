// Each TCP connection's path through the states, read from the model's state_change events
// (through the model's own lists: model.states and the columns), for the state diagram. No DOM.
import type { TraceModel } from './trace-model';

export interface Transition {
  from: string;
  to: string;
  /** Virtual time (ns). */
  time: number;
  /** Model index of the state_change event (its text is the cause: "rcv SYN"). */
  event: number;
}

export interface ConnPath {
  conn: number;
  host: number;
  transitions: Transition[];
}

/** Every connection's transitions so far, by connection id, in order of first appearance. */
export function connectionPaths(m: TraceModel): Map<number, ConnPath> {
  const out = new Map<number, ConnPath>();
  const c = m.cols;
  for (let k = 0; k < m.states.n; ++k) {
    const i = m.states.a[k];
    const conn = c.conn[i];
    if (conn < 0) continue;
    let p = out.get(conn);
    if (!p) out.set(conn, (p = { conn, host: c.host[i], transitions: [] }));
    p.transitions.push({ from: m.label(c.from[i]), to: m.label(c.to[i]), time: c.time[i], event: i });
  }
  return out;
}

/** The connection on the other end of `conn` (from the packets it exchanged), or -1. */
export function peerOf(m: TraceModel, conn: number): number {
  const c = m.cols;
  for (let r = 0; r < m.pSendEv.n; ++r) {
    const recv = m.pRecvEv.a[r];
    if (recv < 0) continue;
    const s = m.pSendEv.a[r];
    if (c.conn[s] === conn && c.peerConn[recv] >= 0) return c.peerConn[recv];
    if (c.peerConn[recv] === conn && c.conn[s] >= 0) return c.conn[s];
  }
  return -1;
}
