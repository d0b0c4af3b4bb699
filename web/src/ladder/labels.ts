// Arrow labels as tcpdump prints them, shortened for the ladder:
//   [S] seq 0 win 64240 <mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7>
//   [S.] seq 0 ack 1      [.] ack 1      [P.] 1:101 ack 1      UDP len 5      ICMP port unreachable
import { TcpFlag } from '../engine/feed';
import type { TraceModel } from '../model/trace-model';

/** tcpdump's flag letters, in its order (F S R P . U E W). */
export function tcpFlags(flags: number): string {
  let s = '';
  if (flags & TcpFlag.FIN) s += 'F';
  if (flags & TcpFlag.SYN) s += 'S';
  if (flags & TcpFlag.RST) s += 'R';
  if (flags & TcpFlag.PSH) s += 'P';
  if (flags & TcpFlag.ACK) s += '.';
  if (flags & TcpFlag.URG) s += 'U';
  if (flags & TcpFlag.ECE) s += 'E';
  if (flags & TcpFlag.CWR) s += 'W';
  return s || 'none';
}

const ICMP: Record<number, string> = {
  0x0000: 'echo reply',
  0x0800: 'echo request',
  0x0300: 'net unreachable',
  0x0301: 'host unreachable',
  0x0302: 'protocol unreachable',
  0x0303: 'port unreachable',
  0x0304: 'need to frag',
  0x0b00: 'time exceeded',
};

/** The options part of a tcpdump line ("mss 1460,sackOK,..."), or ''. */
export function optionsOf(text: string): string {
  const m = /options \[([^\]]*)\]/.exec(text);
  return m ? m[1] : '';
}

/** The label of event `i` (a packet event). `absolute`: raw sequence numbers. */
export function packetLabel(model: TraceModel, i: number, absolute: boolean, text: () => string): string {
  const c = model.cols;
  const proto = c.proto[i];
  if (proto === 17) return `UDP ${c.sport[i]} > ${c.dport[i]} len ${c.len[i]}`;
  if (proto === 1) return `ICMP ${ICMP[c.flags[i]] ?? `type ${c.flags[i] >> 8} code ${c.flags[i] & 255}`}`;
  if (proto !== 6) return `proto ${proto} len ${c.len[i]}`;
  const flags = c.flags[i];
  const seq = absolute ? c.seq[i] : c.relSeq[i];
  const ack = absolute ? c.ack[i] : c.relAck[i];
  const len = c.len[i];
  let s = `[${tcpFlags(flags)}]`;
  if (len > 0) s += ` ${seq}:${seq + len}`;
  else if (flags & (TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST) || !(flags & TcpFlag.ACK)) s += ` seq ${seq}`;
  if (flags & TcpFlag.ACK) s += ` ack ${ack}`;
  if (flags & TcpFlag.SYN || c.win[i] === 0) s += ` win ${c.win[i]}`;
  if (flags & TcpFlag.SYN) {
    const opts = optionsOf(text());
    if (opts) s += ` <${opts}>`;
  }
  return s;
}
