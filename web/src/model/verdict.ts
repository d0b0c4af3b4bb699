// What a receiver did with a crafted segment, read from the trace events that follow it: the
// injected packet's packet_received at the destination (or its packet_dropped on the way), then
// what that host did at the same instant: a packet_dropped with its reason, state changes, the
// packets it sent back (and their tag: challenge_ack, rst_reply) and timers it armed. No DOM.
import { Kind, TcpFlag } from '../engine/feed';
import type { TraceModel } from './trace-model';

export type VerdictKind = 'pending' | 'lost' | 'accepted' | 'challenge' | 'rst' | 'dropped';

export interface Verdict {
  kind: VerdictKind;
  /** The injected packet's first transmission id and its packet_sent (model index), -1 if not read yet. */
  packet: number;
  sentEvent: number;
  /** Time it arrived (or was lost), ns; NaN while in flight. */
  time: number;
  /** Drop reason (the trace's), "" if none. */
  reason: string;
  /** Where it was lost: host or link name. */
  where: string;
  /** Receiver state changes at arrival: [from, to]. */
  states: Array<[string, string]>;
  /** Packets the receiver sent at once: tcpdump flag letters and the engine's tag. */
  answers: Array<{ flags: string; tag: string; event: number; ack: number }>;
  /** Payload bytes of the segment that the receiver took in order (0 when dropped). */
  dataTaken: number;
  /** Data kept out of order: the receiver's ACK still asks for bytes before it. */
  outOfOrder: boolean;
  delayedAck: boolean;
  /** The receiving connection (-1: none took it). */
  conn: number;
}

/** tcpdump's flag letters for a flags column value ("S.", "R", "."). */
export function flagLetters(flags: number): string {
  let s = '';
  if (flags & TcpFlag.SYN) s += 'S';
  if (flags & TcpFlag.FIN) s += 'F';
  if (flags & TcpFlag.RST) s += 'R';
  if (flags & TcpFlag.PSH) s += 'P';
  if (flags & TcpFlag.URG) s += 'U';
  if (flags & TcpFlag.ECE) s += 'E';
  if (flags & TcpFlag.CWR) s += 'W';
  if (flags & TcpFlag.ACK) s += '.';
  return s || 'none';
}

/**
 * The verdict on the segment that `from` (host index) injected toward `to` (host index), the
 * first one injected by `from` at or after trace event `start` (an absolute index).
 */
export function readVerdict(m: TraceModel, start: number, from: number, to: number): Verdict {
  const c = m.cols;
  const v: Verdict = { kind: 'pending', packet: 0, sentEvent: -1, time: NaN, reason: '', where: '', states: [], answers: [], dataTaken: 0, outOfOrder: false, delayedAck: false, conn: -1 };
  let i = Math.max(0, start - m.base);
  // The inject app event, then the packet_sent right after it.
  for (; i < m.n; ++i) if (c.kind[i] === Kind.App && c.host[i] === from && m.label(c.name[i]) === 'inject') break;
  for (; i < m.n; ++i) if (c.kind[i] === Kind.PacketSent && c.host[i] === from) break;
  if (i >= m.n) return v;
  v.packet = c.packet[i];
  v.sentEvent = i;
  const sent = i;
  // Follow it: through routers (a new transmission with the same TCP header, sent by the host
  // that received it) to its destination.
  const ids = new Set<number>([c.packet[i]]);
  let arrival = -1;
  for (++i; i < m.n; ++i) {
    const k = c.kind[i];
    if (!ids.has(c.packet[i])) {
      if (k === Kind.PacketSent && c.proto[i] === 6 && c.seq[i] === c.seq[sent] && c.ack[i] === c.ack[sent] && c.flags[i] === c.flags[sent] && c.dport[i] === c.dport[sent]) {
        // A router's copy onward, or a balancer's rewritten one.
        if (c.host[i] !== from && c.host[i] !== to) ids.add(c.packet[i]);
      }
      continue;
    }
    if (k === Kind.PacketDropped) {
      v.time = c.time[i];
      v.reason = m.label(c.name[i]);
      if (c.host[i] === to) {
        v.kind = 'dropped';
        arrival = i;
        break;
      }
      v.kind = 'lost';
      v.where = c.host[i] >= 0 ? m.hostNames[c.host[i]] : c.link[i] >= 0 ? m.linkNames[c.link[i]] : '';
      return v;
    }
    if (k === Kind.PacketReceived && c.host[i] === to) {
      arrival = i;
      v.time = c.time[i];
      v.conn = c.peerConn[i];
      v.kind = 'accepted';
      break;
    }
  }
  if (arrival < 0) return v;
  // What the receiver did at that instant, until it handles another packet.
  const t = c.time[arrival];
  for (let j = arrival + 1; j < m.n && c.time[j] === t; ++j) {
    if (c.host[j] !== to) continue;
    const k = c.kind[j];
    if (k === Kind.PacketReceived) break;
    if (k === Kind.PacketDropped && ids.has(c.packet[j])) {
      v.reason = m.label(c.name[j]);
      v.kind = 'dropped';
    } else if (k === Kind.StateChange) {
      v.states.push([m.label(c.from[j]), m.label(c.to[j])]);
    } else if (k === Kind.PacketSent) {
      v.answers.push({ flags: flagLetters(c.flags[j]), tag: m.label(c.tag[j]), event: j, ack: c.ack[j] });
    } else if (k === Kind.TimerSet && m.label(c.name[j]) === 'delayed_ack') {
      v.delayedAck = true;
    }
  }
  if (v.reason.includes('challenge_ack') || v.answers.some((a) => a.tag === 'challenge_ack')) v.kind = 'challenge';
  else if (v.answers.some((a) => a.flags.includes('R'))) v.kind = 'rst';
  if (v.kind === 'accepted' && c.len[sent] > 0) {
    // The trace has no "delivered" event: the receiver's own ACK says whether RCV.NXT moved past
    // the data (RFC 9293 §3.10.7.4: in-order text is taken, a later segment is held and the
    // ACK repeats RCV.NXT). A delayed ACK means the data came in order (out-of-order data is
    // acknowledged at once, RFC 5681 §4.2).
    const end = (c.seq[sent] + c.len[sent]) % 2 ** 32;
    const ack = v.answers.find((a) => a.flags.includes('.'));
    if (ack && (end - ack.ack + 2 ** 32) % 2 ** 32 > 0 && (end - ack.ack + 2 ** 32) % 2 ** 32 < 2 ** 31) v.outOfOrder = true;
    else v.dataTaken = c.len[sent];
  }
  return v;
}
