// The flag composer's logic, without DOM: its form checked into the API's SegmentSpec (every
// error names its field, and nothing is sent while there is one), and the seq/ack presets
// computed from the receiver's TCB in snapshot().
import type { ConnectionInfo, SegmentSpec, TcpOptionSpec } from '../../api/playground';
import { msg } from '../i18n';

const MOD = 2 ** 32;

/** a + d modulo 2^32: sequence-number arithmetic (RFC 9293 §3.4). */
export function seqAdd(a: number, d: number): number {
  return (((a + d) % MOD) + MOD) % MOD;
}

/** a - b modulo 2^32 (a relative number, as the ladder and Wireshark show them). */
export function seqRel(a: number, b: number): number {
  return (((a - b) % MOD) + MOD) % MOD;
}

export const FLAG_NAMES = ['SYN', 'ACK', 'FIN', 'RST', 'PSH', 'URG', 'ECE', 'CWR'] as const;
export type FlagName = (typeof FLAG_NAMES)[number];
/** tcpdump's letters, in the order tcpdump prints them ("S", "F", "R", "P", "U", "E", "W", "."). */
const LETTERS: Record<FlagName, string> = { SYN: 'S', FIN: 'F', RST: 'R', PSH: 'P', URG: 'U', ECE: 'E', CWR: 'W', ACK: '.' };

/** "[S.]", "[R]", "[.]": the flags as tcpdump prints them. */
export function flagText(flags: ReadonlySet<FlagName>): string {
  const order: FlagName[] = ['SYN', 'FIN', 'RST', 'PSH', 'URG', 'ECE', 'CWR', 'ACK'];
  const s = order.filter((f) => flags.has(f)).map((f) => LETTERS[f]).join('');
  return `[${s || 'none'}]`;
}

/** Combinations no stack sends (SYN+FIN, SYN+RST, FIN+RST, none at all): marked, still sent. */
export function oddFlags(flags: ReadonlySet<FlagName>): boolean {
  const n = (f: FlagName) => (flags.has(f) ? 1 : 0);
  return n('SYN') + n('FIN') + n('RST') > 1 || flags.size === 0;
}

export type Preset = 'exact' | 'inWindow' | 'outWindow' | 'old';
export const PRESETS: Preset[] = ['exact', 'inWindow', 'outWindow', 'old'];

/** How far into the window "in window, not expected" goes: 1000 bytes, or half a smaller window. */
export function inWindowOffset(rcvWnd: number): number {
  return Math.max(1, Math.min(1000, Math.floor(rcvWnd / 2)));
}

/**
 * Seq and ack for a preset, from the receiver's TCB (RFC 9293 §3.10.7.4 for acceptability,
 * RFC 5961 §3 and §4 for RSTs and SYNs in the window). `suggested` is what inject() itself fills
 * in (the engine's suggestSeqAck), used for "exactly expected" when there is no receiver TCB
 * (a manual-mode peer) or it has no RCV.NXT yet (SYN_SENT).
 */
export function presetSeqAck(
  preset: Preset,
  receiver: ConnectionInfo | null,
  suggested: { seq: number; ack: number } | null,
): { seq: number; ack: number } | null {
  if (!receiver || receiver.state === 'LISTEN') return preset === 'exact' ? suggested : null;
  const synSent = receiver.state === 'SYN_SENT';
  const rcvNxt = synSent ? (suggested?.seq ?? 0) : receiver.rcv_nxt;
  switch (preset) {
    case 'exact':
      return { seq: rcvNxt, ack: receiver.snd_nxt };
    case 'inWindow':
      return { seq: seqAdd(rcvNxt, inWindowOffset(receiver.rcv_wnd)), ack: receiver.snd_nxt };
    case 'outWindow':
      return { seq: seqAdd(rcvNxt, receiver.rcv_wnd + 1000), ack: receiver.snd_nxt };
    case 'old':
      return { seq: seqAdd(rcvNxt, -1000), ack: receiver.snd_una };
  }
}

/** The composer's form, as typed. */
export interface ComposerForm {
  from: string;
  to: string;
  srcPort: string;
  dstPort: string;
  flags: Set<FlagName>;
  seq: string;
  ack: string;
  window: string;
  urgent: string;
  mss: { on: boolean; value: string };
  wscale: { on: boolean; value: string };
  sackPerm: boolean;
  sack: { on: boolean; value: string };
  ts: { on: boolean; val: string; ecr: string };
  payloadMode: 'text' | 'hex';
  payload: string;
  when: 'now' | 'at';
  at: string;
}

export function emptyForm(): ComposerForm {
  return {
    from: '', to: '', srcPort: '', dstPort: '', flags: new Set<FlagName>(['ACK']), seq: '', ack: '',
    window: '65535', urgent: '0', mss: { on: false, value: '1460' }, wscale: { on: false, value: '7' },
    sackPerm: false, sack: { on: false, value: '' }, ts: { on: false, val: '1', ecr: '0' },
    payloadMode: 'text', payload: '', when: 'now', at: '',
  };
}

/** A form field in error and its message. */
export interface FieldError {
  field: string;
  message: string;
}

function integer(errors: FieldError[], field: string, label: string, text: string, min: number, max: number): number {
  const t = text.trim();
  const n = /^\d+$/.test(t) ? Number(t) : NaN;
  if (!(n >= min && n <= max)) {
    errors.push({ field, message: msg('composer.err.number', { field: label, min, max, value: text }) });
    return 0;
  }
  return n;
}

function port(errors: FieldError[], field: string, label: string, text: string): number {
  const t = text.trim();
  const n = /^\d+$/.test(t) ? Number(t) : NaN;
  if (!(n >= 1 && n <= 65535)) errors.push({ field, message: msg('composer.err.port', { field: label, value: text }) });
  return n;
}

/** "48 65 6c" -> the same digits without spaces, or an error naming the payload field. */
export function checkHex(text: string): { hex: string } | { error: string } {
  const digits = text.replace(/\s+/g, '');
  const bad = digits.match(/[^0-9a-fA-F]/);
  if (bad) return { error: msg('composer.err.hexChar', { c: bad[0] }) };
  if (digits.length % 2) return { error: msg('composer.err.hexOdd', { n: digits.length }) };
  return { hex: digits };
}

/**
 * Checks the form; returns the segment to inject, or every error (each naming its field). Seq
 * and ack are absolute numbers (what goes on the wire); empty means "filled by the engine".
 */
export function buildSegment(f: ComposerForm): { spec: SegmentSpec; errors: [] } | { spec: null; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (!f.from) errors.push({ field: 'from', message: msg('composer.err.host', { field: 'from host' }) });
  if (!f.to) errors.push({ field: 'to', message: msg('composer.err.host', { field: 'to host' }) });
  const srcPort = port(errors, 'srcPort', 'source port', f.srcPort);
  const dstPort = port(errors, 'dstPort', 'destination port', f.dstPort);
  const spec: SegmentSpec = { host: f.from, to: f.to, src_port: srcPort, dst_port: dstPort, flags: [...f.flags] };
  if (f.seq.trim() !== '') spec.seq = integer(errors, 'seq', 'seq', f.seq, 0, MOD - 1);
  if (f.ack.trim() !== '') spec.ack = integer(errors, 'ack', 'ack', f.ack, 0, MOD - 1);
  spec.window = integer(errors, 'window', 'window', f.window, 0, 65535);
  spec.urgent = integer(errors, 'urgent', 'urgent pointer', f.urgent, 0, 65535);
  const options: TcpOptionSpec[] = [];
  if (f.mss.on) options.push({ kind: 'mss', value: integer(errors, 'mss', 'MSS', f.mss.value, 0, 65535) });
  if (f.wscale.on) options.push({ kind: 'wscale', value: integer(errors, 'wscale', 'window scale', f.wscale.value, 0, 14) });
  if (f.sackPerm) options.push({ kind: 'sackOK' });
  if (f.sack.on) {
    const blocks: Array<[number, number]> = [];
    for (const part of f.sack.value.split(',').map((p) => p.trim()).filter(Boolean)) {
      const m = part.match(/^(\d+)\s*-\s*(\d+)$/);
      if (!m || Number(m[1]) >= MOD || Number(m[2]) >= MOD) {
        errors.push({ field: 'sack', message: msg('composer.err.sack', { value: part }) });
        break;
      }
      blocks.push([Number(m[1]), Number(m[2])]);
    }
    if (!blocks.length && !errors.some((e) => e.field === 'sack')) errors.push({ field: 'sack', message: msg('composer.err.sack', { value: f.sack.value }) });
    else if (blocks.length > 4) errors.push({ field: 'sack', message: msg('composer.err.sack', { value: f.sack.value }) });
    options.push({ kind: 'sack', blocks });
  }
  if (f.ts.on)
    options.push({ kind: 'ts', val: integer(errors, 'tsval', 'TSval', f.ts.val, 0, MOD - 1), ecr: integer(errors, 'tsecr', 'TSecr', f.ts.ecr, 0, MOD - 1) });
  if (options.length) spec.options = options;
  if (f.payload !== '') {
    if (f.payloadMode === 'hex') {
      const h = checkHex(f.payload);
      if ('error' in h) errors.push({ field: 'payload', message: h.error });
      else if (h.hex) spec.payload_hex = h.hex;
    } else spec.payload = f.payload;
  }
  return errors.length ? { spec: null, errors } : { spec, errors: [] };
}
