// Virtual times: integer nanoseconds in, short text out (and back).

const UNITS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9, min: 60e9, h: 3600e9 };

/** "1.010000 s": a clock with microseconds, as tcpdump prints times. */
export function formatClock(ns: number): string {
  return `${(ns / 1e9).toFixed(6)} s`;
}

/** A short time for axes and labels: "1.01 s", "350 s", "12.5 ms". */
export function formatTime(ns: number): string {
  const s = ns / 1e9;
  if (s === 0) return '0 s';
  if (Math.abs(s) >= 100) return `${trim(s.toFixed(3))} s`;
  if (Math.abs(s) >= 1) return `${trim(s.toFixed(3))} s`;
  if (Math.abs(s) >= 1e-3) return `${trim((s * 1e3).toFixed(3))} ms`;
  return `${trim((s * 1e6).toFixed(1))} µs`;
}

/** A duration for gaps and countdowns: "350 s", "1.5 s", "40 ms". */
export function formatDuration(ns: number): string {
  const s = ns / 1e9;
  if (s >= 10) return `${Math.round(s)} s`;
  if (s >= 1) return `${trim(s.toFixed(1))} s`;
  if (s >= 1e-3) return `${trim((s * 1e3).toFixed(s >= 0.01 ? 0 : 1))} ms`;
  return `${trim((s * 1e6).toFixed(0))} µs`;
}

function trim(x: string): string {
  return x.includes('.') ? x.replace(/0+$/, '').replace(/\.$/, '') : x;
}

/** "350s", "2.5 s", "120ms", "1.5" (seconds) to ns; NaN when it is not a time. */
export function parseTime(text: string): number {
  const m = /^\s*([0-9]*\.?[0-9]+)\s*(ns|us|µs|ms|s|min|h)?\s*$/.exec(text);
  if (!m) return NaN;
  return Math.round(parseFloat(m[1]) * UNITS[m[2] ?? 's']);
}
