// How the topology writes link and component values: short labels for the graph ("10 ms",
// "10 Mbit/s", "loss 1%") and the text a form field starts with (what the engine reads back).
import type { LinkInfo, ParamDef } from '../../../api/playground';
import { msg } from '../../i18n';

/** ns -> the shortest text the engine reads back ("60s", "40ms", "0s"). */
export function durationText(ns: number): string {
  if (ns % 1e9 === 0) return `${ns / 1e9}s`;
  if (ns % 1e6 === 0) return `${ns / 1e6}ms`;
  if (ns % 1e3 === 0) return `${ns / 1e3}us`;
  return `${ns}ns`;
}

/** ns -> "10 ms", "1.5 s", "250 us" for a label. */
export function durationLabel(ns: number): string {
  if (ns >= 1e9) return `${+(ns / 1e9).toFixed(3)} s`;
  if (ns >= 1e6) return `${+(ns / 1e6).toFixed(3)} ms`;
  if (ns >= 1e3) return `${+(ns / 1e3).toFixed(3)} us`;
  return `${ns} ns`;
}

/** bits/s -> "10 Mbit/s"; 0 -> "no limit". */
export function bandwidthLabel(bps: number): string {
  if (!bps) return msg('topology.unlimited');
  for (const [n, unit] of [[1e9, 'Gbit/s'], [1e6, 'Mbit/s'], [1e3, 'kbit/s']] as const) if (bps >= n) return `${+(bps / n).toFixed(2)} ${unit}`;
  return `${bps} bit/s`;
}

/** 0.015 -> "1.5%". */
export function percent(p: number): string {
  return `${+(p * 100).toFixed(2)}%`;
}

/** A link parameter's value now, as a form field's text. */
export function linkFieldText(link: LinkInfo, name: string): string {
  const p = link.params;
  switch (name) {
    case 'delay':
      return durationText(p.delay_ns);
    case 'jitter':
      return durationText(p.jitter_ns);
    case 'reorder_delay':
      return durationText(p.reorder_delay_ns);
    case 'bandwidth':
      return String(p.bandwidth_bps);
    case 'queue.packets':
      return String(p.queue_packets);
    case 'queue.bytes':
      return String(p.queue_bytes);
    case 'loss':
      return String(p.loss);
    case 'duplicate':
      return String(p.duplicate);
    case 'reorder':
      return String(p.reorder);
    case 'mtu':
      return String(p.mtu);
    default:
      return '';
  }
}

/**
 * A component parameter's value from its snapshot state: a duration is `NAME_ns` there
 * (`pool.idle_timeout` is `pool.idle_timeout_ns`), anything else is under its own name.
 */
export function componentFieldText(state: unknown, def: ParamDef): string {
  let v: unknown = state;
  const parts = def.name.split('.');
  parts.forEach((part, i) => {
    const key = i === parts.length - 1 && def.type === 'duration' ? `${part}_ns` : part;
    v = v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
  });
  if (v === undefined || v === null) return '';
  return def.type === 'duration' ? durationText(Number(v)) : String(v);
}
