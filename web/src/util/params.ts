// TCP parameters as the parameter catalogue (pg.parameters()) describes them: checking a value
// typed into the page against its type and range before it reaches the engine (the engine checks
// again: TcpConfig::set), and the groups the parameter panel shows them in. No DOM.
import type { ParamDef } from '../../api/playground';
import { msg } from '../i18n';

const DURATION_UNITS: Record<string, number> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9, min: 60e9, h: 3600e9 };

/** A duration as the engine writes and reads it ("40ms", "4min", "1.5s") to ns; NaN otherwise. */
export function parseDuration(text: string): number {
  const m = /^([0-9]*\.?[0-9]+)(ns|us|ms|s|min|h)$/.exec(text);
  return m ? Math.round(parseFloat(m[1]) * DURATION_UNITS[m[2]]) : NaN;
}

export type Checked = { ok: true; value: string | number | boolean } | { ok: false; error: string };

/** "0s to 10min", "from 1", "1 to 255": the catalogue's range in words ('' when none). */
export function rangeText(def: ParamDef): string {
  if (def.choices) return def.choices.join(', ');
  const { min } = def;
  // A count's max of 2^32 - 1 is the type's limit, not a limit worth reading.
  const max = def.type === 'integer' && Number(def.max) >= 4294967295 ? null : def.max;
  if (min !== null && max !== null) return msg('params.rangeBoth', { min: String(min), max: String(max) });
  // "from 0" says nothing a duration or a count does not already say.
  if (min !== null && String(min) !== '0' && String(min) !== '0s') return msg('params.rangeFrom', { min: String(min) });
  if (max !== null) return msg('params.rangeUpTo', { max: String(max) });
  return '';
}

/**
 * Checks `raw` (what was typed, or a checkbox's state) against the catalogue entry: its type,
 * range and choices. The error names the parameter ("time_wait: ...").
 */
export function checkParam(def: ParamDef, raw: string | boolean): Checked {
  const fail = (why: string): Checked => ({ ok: false, error: `${def.name}: ${why}` });
  if (def.type === 'boolean') {
    if (typeof raw === 'boolean') return { ok: true, value: raw };
    if (raw === 'true' || raw === 'false') return { ok: true, value: raw === 'true' };
    return fail(msg('params.expectBool', { got: String(raw) }));
  }
  const text = String(raw).replace(/\s+/g, '');
  if (!text) return fail(msg('params.expectValue'));
  if (def.type === 'choice') {
    if (def.choices?.includes(text)) return { ok: true, value: text };
    return fail(msg('params.expectChoice', { choices: (def.choices ?? []).join(', '), got: String(raw) }));
  }
  if (def.type === 'duration') {
    const ns = parseDuration(text);
    if (Number.isNaN(ns)) return fail(msg('params.expectDuration', { got: String(raw) }));
    const min = def.min === null ? NaN : parseDuration(String(def.min));
    const max = def.max === null ? NaN : parseDuration(String(def.max));
    if ((!Number.isNaN(min) && ns < min) || (!Number.isNaN(max) && ns > max)) return fail(msg('params.outOfRange', { range: rangeText(def), got: text }));
    return { ok: true, value: text };
  }
  // integer, and anything numeric the catalogue adds later
  if (!/^[0-9]+$/.test(text)) return fail(msg('params.expectInteger', { got: String(raw) }));
  const n = Number(text);
  if ((def.min !== null && n < Number(def.min)) || (def.max !== null && n > Number(def.max))) return fail(msg('params.outOfRange', { range: rangeText(def), got: text }));
  return { ok: true, value: n };
}

/** The catalogue's defaults under a profile, as text ("4min", "6", "true"). */
export function defaultText(def: ParamDef, profile: string): string {
  const v = (def.defaults as Record<string, unknown>)[profile];
  return v === null || v === undefined ? '—' : String(v);
}

/** The same value? ("240s" and "4min" are one duration.) */
export function sameValue(def: ParamDef, a: unknown, b: unknown): boolean {
  if (def.type === 'duration') return parseDuration(String(a)) === parseDuration(String(b));
  return String(a) === String(b);
}

export type GroupKey = 'retransmission' | 'connecting' | 'closing' | 'keepalive' | 'ack' | 'buffers' | 'congestion' | 'app' | 'other';

/** The panel's groups, in order, with their parameters (issue 20's list). Catalogue entries in
 * no group land in "other", so a parameter added to the engine still shows. */
export const PARAM_GROUPS: Array<{ key: GroupKey; params: string[] }> = [
  { key: 'retransmission', params: ['rto_initial', 'rto_min', 'rto_max', 'syn_fallback_rto', 'data_retries', 'user_timeout'] },
  { key: 'connecting', params: ['connect_timeout', 'syn_retries', 'syn_linear_retries', 'synack_retries'] },
  { key: 'closing', params: ['time_wait', 'fin_wait_2_timeout'] },
  { key: 'keepalive', params: ['keepalive', 'keepalive_idle', 'keepalive_interval', 'keepalive_count'] },
  { key: 'ack', params: ['delayed_ack', 'delayed_ack_timeout', 'ack_every_segments', 'nagle'] },
  { key: 'buffers', params: ['mss', 'send_buffer', 'recv_buffer', 'window_scaling', 'sack', 'timestamps'] },
  { key: 'congestion', params: ['congestion_control', 'initial_window_segments', 'recovery', 'rfc5961'] },
  { key: 'app', params: ['read_rate', 'idle_timeout'] },
];

/** Groups with the catalogue's TCP entries (in the group's order), "other" last when needed. */
export function groupParams(tcp: ParamDef[]): Array<{ key: GroupKey; defs: ParamDef[] }> {
  const byName = new Map(tcp.map((d) => [d.name, d]));
  const used = new Set<string>();
  const out: Array<{ key: GroupKey; defs: ParamDef[] }> = [];
  for (const g of PARAM_GROUPS) {
    const defs = g.params.map((n) => byName.get(n)).filter((d): d is ParamDef => !!d);
    defs.forEach((d) => used.add(d.name));
    if (defs.length) out.push({ key: g.key, defs });
  }
  const rest = tcp.filter((d) => !used.has(d.name));
  if (rest.length) out.push({ key: 'other', defs: rest });
  return out;
}

/** The field an engine error names: the last part of its path ("/timeline/4/port" -> "port"). */
export function errorField(e: unknown): string {
  const errors = (e as { errors?: Array<{ path: string }> })?.errors;
  const path = errors?.[0]?.path ?? '';
  return path.split('/').filter(Boolean).pop() ?? '';
}

/** An error's message, for the page. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
