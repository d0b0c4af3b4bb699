// Draws the ladder on one canvas: lifelines, folds, timers, packets, states, the playhead and
// the host headers. Pure drawing from the model and a view state; it also returns what it drew
// (for hit testing and the accessible text twin). Only what is visible is drawn: packets and
// folds are found by binary search over typed arrays, and at most one packet per pixel row and
// direction is drawn when they are denser than that. It draws through DrawContext (a canvas
// context, or the SVG export's recorder: the same calls, so the same drawing).
import type { DrawContext } from './draw-context';
import { Kind, TcpFlag } from '../engine/feed';
import { msg } from '../i18n';
import { LONG_TIMER, Mark, TimerEnd, TraceModel, lowerBound, upperBound } from '../model/trace-model';
import { errnoMeaning } from '../model/socket-error';
import { formatDuration, formatTime } from '../util/time';
import { packetLabel } from './labels';
import { GAP_PX, TimeAxis } from './time-axis';

/** Colours and sizes, read from CSS custom properties. */
export interface LadderTheme {
  bg: string;
  header: string;
  text: string;
  muted: string;
  grid: string;
  lifeline: string;
  tcp: string;
  synfin: string;
  rst: string;
  udp: string;
  icmp: string;
  drop: string;
  playhead: string;
  select: string;
  hover: string;
  fold: string;
  timer: string;
  timerText: string;
  stateBg: string;
  stateText: string;
  stateOpen: string;
  stateHandshake: string;
  stateClosing: string;
  stateTimeWait: string;
  stateClosed: string;
  marks: Record<number, string>;
  /** Lesson callouts' guide lines and rings. */
  callout: string;
  font: string;
  fontSize: number;
  headerHeight: number;
  gutter: number;
}

export interface ViewState {
  width: number;
  height: number;
  scrollY: number;
  now: number;
  absolute: boolean;
  hoverRow: number;
  ackRow: number;
  selectedRow: number;
  /** Build the text twin this frame (it is refreshed at most a few times a second). */
  twin: boolean;
}

/** What one frame drew: hit segments and the text twin's items. */
export interface DrawnFrame {
  segs: Float32Array; // x1 y1 x2 y2 per drawn packet
  rows: Int32Array;
  count: number;
  twin: TwinItem[];
}

export interface TwinItem {
  kind: 'packet' | 'state' | 'fold' | 'timer' | 'app' | 'verdict';
  text: string;
  time: number;
  host?: string;
  to?: string;
  label?: string;
  row?: number;
  event?: number;
}

export const TOP_PAD = 16;
const MAX_TWIN = 400;

const MARK_KEYS: Record<number, Parameters<typeof msg>[0]> = {
  [Mark.Retransmission]: 'mark.retransmission',
  [Mark.Duplicate]: 'mark.duplicate',
  [Mark.ZeroWindowProbe]: 'mark.zeroWindowProbe',
  [Mark.Keepalive]: 'mark.keepalive',
  [Mark.ChallengeAck]: 'mark.challengeAck',
  [Mark.DupAck]: 'mark.dupAck',
  [Mark.ZeroWindow]: 'mark.zeroWindow',
  [Mark.RstReply]: 'mark.rstReply',
  [Mark.Other]: 'mark.other',
  [Mark.WindowUpdate]: 'mark.windowUpdate',
};

export function markText(mark: number): string {
  const k = MARK_KEYS[mark];
  return k ? msg(k) : '';
}

export class LadderPainter {
  readonly axis = new TimeAxis();
  private labelCache = new Map<number, string>();
  private labelMode = false;
  private labelVersion = -1;
  private widthCache = new Map<string, number>();
  private segs = new Float32Array(4 * 4096);
  private rows = new Int32Array(4096);
  /**
   * Width (px) kept free right of the lifelines for the lesson callouts (tp-ladder places them
   * there, so that no callout covers a packet label or a lifeline).
   */
  rightMargin = 0;
  /** The lesson points to mark: a guide from the lifeline to the callout margin at each moment. */
  guides: Array<{ time: number; host: number; latest: boolean }> = [];

  constructor(private model: TraceModel, private text: (event: number) => string) {}

  /** x of host i's lifeline. */
  hostX(i: number, width: number, theme: LadderTheme): number {
    const n = Math.max(1, this.model.hostNames.length);
    const col = (width - theme.gutter - 24 - this.rightMargin) / n;
    return theme.gutter + (i + 0.5) * col;
  }

  contentY(t: number): number {
    return this.axis.y(t);
  }

  /** The full label of a packet row (cached per numbering mode). */
  label(row: number, absolute: boolean): string {
    if (absolute !== this.labelMode) {
      this.labelCache.clear();
      this.labelMode = absolute;
    }
    let s = this.labelCache.get(row);
    if (s === undefined) {
      const ev = this.model.pSendEv.a[row];
      s = packetLabel(this.model, ev, absolute, () => this.text(this.model.base + ev));
      if (this.model.pMark.a[row] === Mark.WindowUpdate) s += ` win ${this.model.cols.win[ev]}`;
      this.labelCache.set(row, s);
    }
    return s;
  }

  /**
   * Text width. The ladder's font is monospaced (a theme may change it, so the advance of one
   * character is measured per font, not assumed): a width is a length times that advance, with
   * no measureText per label.
   */
  private measure(ctx: DrawContext, s: string): number {
    const font = ctx.font;
    let w = this.widthCache.get(font);
    if (w === undefined) {
      w = ctx.measureText('0123456789').width / 10;
      this.widthCache.set(font, w);
    }
    return s.length * w;
  }

  /** `s` cut with an ellipsis to fit `max` px, or '' when not even a few characters fit. */
  /** A socket_error event among the next few application events at time t on host h. */
  private errorFollows(ap: { a: Int32Array; n: number }, k: number, t: number, h: number): boolean {
    const m = this.model!;
    for (let j = k + 1; j < ap.n && j <= k + 4; ++j) {
      const e = ap.a[j];
      if (m.cols.time[e] !== t) return false;
      if (m.cols.host[e] === h && m.cols.kind[e] === Kind.SocketError) return true;
    }
    return false;
  }

  private elide(ctx: DrawContext, s: string, max: number): string {
    if (this.measure(ctx, s) <= max) return s;
    const charW = this.measure(ctx, 'M');
    const n = Math.floor(max / charW) - 1;
    if (n < 6) return '';
    return s.slice(0, n) + '…';
  }

  private stateColour(state: string, th: LadderTheme): string {
    if (state === 'ESTABLISHED') return th.stateOpen;
    if (state.startsWith('SYN')) return th.stateHandshake;
    if (state === 'TIME_WAIT') return th.stateTimeWait;
    if (state === 'CLOSED' || state === 'LISTEN') return th.stateClosed;
    return th.stateClosing;
  }

  private packetColour(ev: number, mark: number, th: LadderTheme): string {
    if (mark && th.marks[mark]) return th.marks[mark];
    const c = this.model.cols;
    const proto = c.proto[ev];
    if (proto === 17) return th.udp;
    if (proto === 1) return th.icmp;
    const f = c.flags[ev];
    if (f & TcpFlag.RST) return th.rst;
    if (f & (TcpFlag.SYN | TcpFlag.FIN)) return th.synfin;
    return th.tcp;
  }

  draw(ctx: DrawContext, v: ViewState, th: LadderTheme): DrawnFrame {
    const m = this.model;
    if (m.version !== this.labelVersion) {
      // Label text can depend on later events only through options text: keep the cache.
      this.labelVersion = m.version;
    }
    const { width: W, height: H } = v;
    const top = th.headerHeight + TOP_PAD;
    const axis = this.axis;
    const y0 = v.scrollY - TOP_PAD;
    const y1 = v.scrollY + H - th.headerHeight;
    const t0 = axis.t(Math.max(0, y0));
    const t1 = Math.min(axis.t(y1), v.now);
    const sy = (t: number) => top + axis.y(t) - v.scrollY;
    const twin: TwinItem[] = [];
    const fs = th.fontSize;
    const font = `${fs}px ${th.font}`;
    const small = `${Math.max(9, fs - 1)}px ${th.font}`;
    ctx.fillStyle = th.bg;
    ctx.fillRect(0, 0, W, H);
    ctx.font = font;
    ctx.textBaseline = 'alphabetic';
    const nHosts = m.hostNames.length;
    const xs = m.hostNames.map((_, i) => this.hostX(i, W, th));
    const colW = nHosts > 1 ? xs[1] - xs[0] : W - th.gutter;
    const yNow = sy(v.now);

    // Folds.
    const [fa, fb] = axis.foldsIn(y0, y1);
    /** Screen rows of the fold bands, kept free of timer and application labels. */
    const bands: Array<[number, number]> = [];
    for (let k = fa; k < fb; ++k) {
      const fy = top + axis.foldY[k] - v.scrollY;
      if (fy > H || fy + GAP_PX < th.headerHeight) continue;
      bands.push([fy, fy + GAP_PX]);
      ctx.fillStyle = th.fold;
      ctx.fillRect(th.gutter - 8, fy + 4, W - th.gutter, GAP_PX - 8);
      ctx.strokeStyle = th.muted;
      ctx.lineWidth = 1;
      ctx.beginPath();
      for (const yy of [fy + 4, fy + GAP_PX - 4]) {
        for (let x = th.gutter - 8; x < W - 8; x += 12) {
          ctx.moveTo(x, yy);
          ctx.lineTo(x + 6, yy + (yy === fy + 4 ? -3 : 3));
          ctx.lineTo(x + 12, yy);
        }
      }
      ctx.stroke();
      const idle = msg('ladder.idle', { duration: formatDuration(axis.foldIdle[k]) });
      ctx.fillStyle = th.text;
      ctx.font = small;
      const tw = this.measure(ctx, idle);
      const lx = th.gutter + (W - this.rightMargin - th.gutter - tw) / 2;
      ctx.fillStyle = th.fold;
      ctx.fillRect(lx - 6, fy + GAP_PX / 2 - fs / 2 - 3, tw + 12, fs + 6);
      ctx.fillStyle = th.text;
      ctx.fillText(idle, lx, fy + GAP_PX / 2 + fs / 2 - 2);
      ctx.font = font;
      if (v.twin && twin.length < MAX_TWIN) twin.push({ kind: 'fold', text: idle, time: axis.foldStart[k] });
    }

    // Time ticks in the gutter, about every 64 px outside folds.
    ctx.font = small;
    ctx.fillStyle = th.muted;
    ctx.strokeStyle = th.grid;
    ctx.lineWidth = 1;
    let lastTickY = -1e9;
    for (let y = Math.max(0, Math.floor(y0 / 16) * 16); y < y1; y += 16) {
      const t = axis.t(y);
      const k = upperBound(axis.foldStart, axis.folds, t) - 1;
      if (k >= 0 && t < axis.foldEnd[k]) continue;
      const yy = top + y - v.scrollY;
      if (yy - lastTickY < 64 || yy < top - 2 || t > axis.end) continue;
      // Not beside the playhead: its time box and the live countdowns of the first host are there.
      if (yy > yNow - 3 * (fs + 2) - fs && yy < yNow + fs + 6) continue;
      lastTickY = yy;
      ctx.fillText(formatTime(t), 6, yy + 4);
      ctx.beginPath();
      ctx.moveTo(th.gutter - 10, yy + 0.5);
      ctx.lineTo(th.gutter - 4, yy + 0.5);
      ctx.stroke();
    }
    ctx.font = font;

    // Lifelines: a thin line, and a band coloured by the state of the host's latest change.
    const endY = Math.min(H, yNow);
    for (let h = 0; h < nHosts; ++h) {
      ctx.strokeStyle = th.lifeline;
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(Math.round(xs[h]) + 0.5, th.headerHeight);
      ctx.lineTo(Math.round(xs[h]) + 0.5, endY);
      ctx.stroke();
      ctx.setLineDash([2, 4]);
      ctx.beginPath();
      ctx.moveTo(Math.round(xs[h]) + 0.5, Math.max(th.headerHeight, endY));
      ctx.lineTo(Math.round(xs[h]) + 0.5, H);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    const st = m.states;
    const lastState: Array<{ y: number; colour: string } | null> = new Array(nHosts).fill(null);
    const drawBand = (h: number, ya: number, yb: number, colour: string) => {
      const a = Math.max(ya, th.headerHeight);
      const b = Math.min(yb, H);
      if (b <= a) return;
      ctx.fillStyle = colour;
      ctx.fillRect(xs[h] - 2, a, 4, b - a);
    };
    for (let k = 0; k < st.n; ++k) {
      const i = st.a[k];
      const h = m.cols.host[i];
      if (h < 0 || h >= nHosts) continue;
      const t = m.cols.time[i];
      if (t > v.now) break;
      const y = sy(t);
      const prev = lastState[h];
      if (prev) drawBand(h, prev.y, y, prev.colour);
      lastState[h] = { y, colour: this.stateColour(m.label(m.cols.to[i]), th) };
    }
    for (let h = 0; h < nHosts; ++h) {
      const prev = lastState[h];
      if (prev) drawBand(h, prev.y, yNow, prev.colour);
    }

    // Lesson points: a dashed guide from the lifeline (a ring there) to the callout margin, drawn
    // under arrows and labels (label backgrounds hide it), so the callout itself stays clear of them.
    if (this.guides.length) {
      const xr = W - this.rightMargin;
      ctx.strokeStyle = th.callout;
      ctx.fillStyle = th.callout;
      for (const g of this.guides) {
        if (g.time > v.now) continue;
        const y = sy(g.time);
        if (y < th.headerHeight || y > H) continue;
        const x = g.host >= 0 && g.host < nHosts ? xs[g.host] : th.gutter;
        ctx.lineWidth = g.latest ? 1.5 : 1;
        ctx.setLineDash([3, 3]);
        ctx.beginPath();
        ctx.moveTo(x + 5, Math.round(y) + 0.5);
        ctx.lineTo(xr, Math.round(y) + 0.5);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.beginPath();
        ctx.arc(x, y, g.latest ? 5 : 4, 0, Math.PI * 2);
        ctx.stroke();
      }
    }

    // Timers: thin spans beside the lifeline (left; right of the last host), one lane per name.
    const lanes = new Map<string, number>();
    // Which side of its lifeline a host's timers and states go: outward for the first host.
    const side = (h: number) => (h === 0 && nHosts > 1 ? -1 : 1);
    const lanesOf = new Array<number>(nHosts).fill(0);
    ctx.font = small;
    const timerLabelBottom = new Float64Array(nHosts).fill(-1e9);
    /** `x` is the label's edge at the lifeline (`right`: its left edge, else its right edge). */
    const timerLabels: Array<{ h: number; txt: string; x: number; y: number; right: boolean; live: boolean }> = [];
    /** Per host, the rows [top, bottom] its state and application labels took. */
    const taken: Array<Array<[number, number]>> = m.hostNames.map(() => []);
    // Only timers that can reach the window: short ones (<= LONG_TIMER) from a binary search,
    // long ones (TIME_WAIT, keepalive, idle) from their own short list.
    const drawTimer = (k: number) => {
      const ts = m.tStart.a[k];
      const endKind = m.tEndKind.a[k];
      const te = endKind === TimerEnd.Armed ? v.now : m.tEnd.a[k];
      if (te < t0 || ts > v.now) return;
      const h = m.tHost.a[k];
      if (h < 0 || h >= nHosts) return;
      const name = m.label(m.tName.a[k]);
      const key = `${h}|${name}`;
      let lane = lanes.get(key);
      if (lane === undefined) {
        lane = [...lanes.keys()].filter((x) => x.startsWith(`${h}|`)).length;
        lanes.set(key, lane);
      }
      const right = side(h) > 0;
      const x = right ? xs[h] + 8 + lane * 6 : xs[h] - 8 - lane * 6;
      lanesOf[h] = Math.max(lanesOf[h], lane + 1);
      const ya = sy(ts);
      const yb = sy(Math.min(te, v.now));
      ctx.fillStyle = th.timer;
      ctx.fillRect(x - 1.5, ya, 3, Math.max(1, yb - ya));
      if (endKind === TimerEnd.Fired) {
        ctx.beginPath();
        ctx.arc(x, yb, 3, 0, Math.PI * 2);
        ctx.fill();
      } else if (endKind === TimerEnd.Cancelled) {
        ctx.fillRect(x - 4, yb - 1, 8, 2);
      }
      const deadline = m.tDeadline.a[k];
      const span = deadline - ts;
      if (yb - ya > fs * 2.5 && ya > timerLabelBottom[h]) {
        const txt = `${name} ${formatDuration(span)}`;
        // Below the state label that often starts at the same moment; drawn after the states.
        timerLabels.push({ h, txt, x: right ? x + 6 : x - 6, y: Math.max(ya, th.headerHeight) + fs * 2 + 4, right, live: false });
        timerLabelBottom[h] = ya + fs * 2 + 8;
      }
      if (endKind === TimerEnd.Armed && deadline > v.now && ts <= v.now) {
        const txt = msg('ladder.left', { duration: `${name} ${formatDuration(deadline - v.now)}` });
        timerLabels.push({ h, txt, x: right ? x + 6 : x - 6, y: yNow - 4 - lane * (fs + 2), right, live: true });
        if (v.twin && twin.length < MAX_TWIN) twin.push({ kind: 'timer', text: txt, time: ts, host: m.hostNames[h], label: name });
      }
    
    };
    for (let j = 0; j < m.longTimers.n; ++j) {
      const k = m.longTimers.a[j];
      if (m.tStart.a[k] > t1) break;
      drawTimer(k);
    }
    for (let k = lowerBound(m.tStart.a, m.tStart.n, t0 - LONG_TIMER); k < m.tStart.n && m.tStart.a[k] <= t1; ++k) {
      if (m.tDeadline.a[k] - m.tStart.a[k] <= LONG_TIMER) drawTimer(k);
    }
    ctx.font = font;

    // Packets.
    const lookback = m.maxFlight > 0 ? m.maxFlight : 1e9;
    const ra = lowerBound(m.pSend.a, m.pSend.n, t0 - lookback);
    const rb = upperBound(m.pSend.a, m.pSend.n, t1);
    // Dense: more arrows than about one per 1.5 pixel rows. Then one arrow per 3 pixel rows and
    // direction is drawn, without heads or labels (rasterising lines is what a frame costs).
    const dense = rb - ra > (H - th.headerHeight) / 1.5;
    const bucket = dense ? 3 : 1;
    const labelBottom = new Map<number, number>();
    const batches = new Map<string, { colour: string; width: number; lines: number[]; heads: number[] }>();
    const hotBatches = new Map<string, { colour: string; width: number; lines: number[]; heads: number[] }>();
    const crosses: number[] = [];
    // Labels are drawn after every arrow, so that no arrow crosses a label.
    const labels: Array<{ lx: number; ly: number; w: number; tag: string; tagW: number; txt: string; mark: number; colour: string }> = [];
    const lastPixel = new Map<number, number>();
    let count = 0;
    const c = m.cols;
    for (let r = ra; r < rb; ++r) {
      const send = m.pSend.a[r];
      if (send > v.now) break;
      const from = m.pFrom.a[r];
      let to = m.pTo.a[r];
      if (from < 0 || from >= nHosts) continue;
      if (to < 0 || to >= nHosts) to = from;
      let end = m.pEnd.a[r];
      const dropEv = m.pDropEv.a[r];
      const ev = m.pSendEv.a[r];
      const link = c.link[ev];
      const delay = link >= 0 ? (m.linkDelay[link] ?? 0) : 0;
      let frac = 1;
      let dropped = false;
      let xEnd = xs[to];
      let drawEnd = end;
      if (dropEv >= 0 && end <= v.now) {
        dropped = true;
        const reason = m.label(c.name[dropEv]);
        if (c.host[dropEv] === from && c.link[dropEv] >= 0) {
          // Lost on the link: part way along, where the link lost it.
          frac = reason === 'queue_full' || reason === 'exceeds_mtu' ? 0.15 : 0.5;
          drawEnd = send + Math.max(end - send, delay * frac);
        }
      } else if (Number.isNaN(end) || end > v.now) {
        // In flight: part way, by the link's delay.
        const est = send + Math.max(delay, 1);
        frac = Math.max(0, Math.min(1, (v.now - send) / (est - send)));
        drawEnd = send + (est - send) * frac;
        end = NaN;
      }
      const xa = xs[from];
      xEnd = xa + (xs[to] - xa) * frac;
      const ya = sy(send);
      const yb = sy(Math.min(drawEnd, v.now));
      if (Math.max(ya, yb) < th.headerHeight || Math.min(ya, yb) > H) continue;
      // At most one arrow per pixel row and direction when they are that dense.
      const dirKey = from * 64 + to;
      const px = Math.round(ya / bucket);
      if (lastPixel.get(dirKey) === px && r !== v.hoverRow && r !== v.selectedRow && r !== v.ackRow) continue;
      lastPixel.set(dirKey, px);
      const mark = m.pMark.a[r];
      const colour = this.packetColour(ev, mark, th);
      const hot = r === v.hoverRow || r === v.selectedRow || r === v.ackRow;
      // Batched: one path per colour, stroked after the loop (a stroke per arrow is the cost).
      const stroke = r === v.selectedRow ? th.select : r === v.hoverRow || r === v.ackRow ? th.hover : colour;
      const group = hot ? hotBatches : batches;
      let batch = group.get(stroke);
      if (!batch) {
        batch = { colour: stroke, width: hot ? 2.5 : dense ? 1 : 1.4, lines: [], heads: [] };
        group.set(stroke, batch);
      }
      batch.lines.push(xa, ya, xEnd, yb);
      if (count < this.rows.length) {
        this.segs[count * 4] = xa;
        this.segs[count * 4 + 1] = ya;
        this.segs[count * 4 + 2] = xEnd;
        this.segs[count * 4 + 3] = yb;
        this.rows[count] = r;
        ++count;
      }
      if (dropped) {
        crosses.push(xEnd, yb);
      } else if (!Number.isNaN(end) && !dense) {
        const ang = Math.atan2(yb - ya, xEnd - xa);
        batch.heads.push(xEnd, yb, xEnd - 8 * Math.cos(ang - 0.4), yb - 8 * Math.sin(ang - 0.4), xEnd - 8 * Math.cos(ang + 0.4), yb - 8 * Math.sin(ang + 0.4));
      }
      // Label: above the middle of the arrow, when its row has room.
      const col = Math.min(from, to) * 64 + Math.max(from, to);
      const mid = (ya + yb) / 2;
      const ly = mid - 4;
      const free = labelBottom.get(col) ?? -1e9;
      const span = Math.abs(xs[to] - xa);
      if (!dense && ly - fs >= free && span > 40 && ly > th.headerHeight + fs) {
        const full = this.label(r, v.absolute);
        const tag = markText(mark);
        const drop = dropped ? ` ✕ ${m.label(c.name[dropEv])}` : '';
        let tagW = 0;
        ctx.font = small;
        if (tag) tagW = this.measure(ctx, tag) + 10;
        ctx.font = font;
        // Keep clear of the state labels right of a middle host's lifeline.
        const lo = Math.min(from, to);
        const leftReserve = lo > 0 ? 104 : 16;
        const room = Math.max(0, Math.min(span, colW) - leftReserve - 16 - tagW);
        const txt = this.elide(ctx, full + drop, room);
        if (txt) {
          const w = this.measure(ctx, txt) + tagW;
          const lx = (xs[lo] + leftReserve + xs[Math.max(from, to)] - 16) / 2 - w / 2;
          labels.push({ lx, ly, w, tag, tagW, txt, mark, colour: hot ? th.text : dropped ? th.drop : th.text });
          labelBottom.set(col, ly + 3);
        }
      }
      if (v.twin && twin.length < MAX_TWIN && !dense) {
        const label = this.label(r, v.absolute);
        const tag = markText(mark);
        const status = dropped ? ` (${msg('ladder.dropped', { reason: m.label(c.name[dropEv]) })})` : Number.isNaN(end) ? ` (${msg('ladder.inFlight')})` : '';
        twin.push({
          kind: 'packet',
          text: msg('ladder.arrow', { time: formatTime(send), from: m.hostNames[from], to: m.hostNames[to], label: (tag ? `${tag} ` : '') + label }) + status,
          time: send,
          host: m.hostNames[from],
          to: m.hostNames[to],
          label,
          row: r,
          event: m.base + ev,
        });
      }
    }

    // Hot arrows (hovered, selected, the covering ACK) last, on top.
    const ordered = [...batches.values(), ...hotBatches.values()];
    for (const b of ordered) {
      ctx.strokeStyle = b.colour;
      ctx.fillStyle = b.colour;
      ctx.lineWidth = b.width;
      ctx.beginPath();
      for (let k = 0; k < b.lines.length; k += 4) {
        ctx.moveTo(b.lines[k], b.lines[k + 1]);
        ctx.lineTo(b.lines[k + 2], b.lines[k + 3]);
      }
      ctx.stroke();
      if (b.heads.length) {
        ctx.beginPath();
        // fill() closes each triangle itself (closePath per head costs more than the fill).
        for (let k = 0; k < b.heads.length; k += 6) {
          ctx.moveTo(b.heads[k], b.heads[k + 1]);
          ctx.lineTo(b.heads[k + 2], b.heads[k + 3]);
          ctx.lineTo(b.heads[k + 4], b.heads[k + 5]);
        }
        ctx.fill();
      }
    }
    if (crosses.length) {
      ctx.strokeStyle = th.drop;
      ctx.lineWidth = 2;
      ctx.beginPath();
      for (let k = 0; k < crosses.length; k += 2) {
        const x = crosses[k], y = crosses[k + 1];
        ctx.moveTo(x - 5, y - 5);
        ctx.lineTo(x + 5, y + 5);
        ctx.moveTo(x + 5, y - 5);
        ctx.lineTo(x - 5, y + 5);
      }
      ctx.stroke();
    }
    for (const l of labels) {
      ctx.fillStyle = th.bg;
      ctx.fillRect(l.lx - 2, l.ly - fs + 1, l.w + 4, fs + 2);
      if (l.tag) {
        ctx.fillStyle = th.marks[l.mark] ?? th.muted;
        ctx.fillRect(l.lx, l.ly - fs + 2, l.tagW - 4, fs);
        ctx.fillStyle = th.bg;
        ctx.font = small;
        ctx.fillText(l.tag, l.lx + 3, l.ly - 1);
        ctx.font = font;
      }
      ctx.fillStyle = l.colour;
      ctx.fillText(l.txt, l.lx + l.tagW, l.ly);
    }

    // State changes, written on the lifeline when they happen.
    ctx.font = small;
    const pillBottom = new Float64Array(nHosts).fill(-1e9);
    const sa = (() => {
      let lo = 0;
      let hi = st.n;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (m.cols.time[st.a[mid]] < t0) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    })();
    for (let k = sa; k < st.n; ++k) {
      const i = st.a[k];
      const t = m.cols.time[i];
      if (t > t1) break;
      const h = m.cols.host[i];
      if (h < 0 || h >= nHosts) continue;
      const state = m.label(m.cols.to[i]);
      const y = Math.max(sy(t), pillBottom[h] + 1);
      if (y - sy(t) > fs * 3) continue;
      const w = this.measure(ctx, state) + 10;
      const right = side(h) > 0;
      const out = 8 + lanesOf[h] * 6;
      const x = right ? xs[h] + out : xs[h] - out - w;
      ctx.fillStyle = this.stateColour(state, th);
      ctx.fillRect(x, y - fs / 2 - 2, w, fs + 4);
      ctx.fillStyle = th.stateText;
      ctx.fillText(state, x + 5, y + fs / 2 - 1);
      pillBottom[h] = y + fs + 3;
      taken[h].push([y - fs / 2 - 2, y + fs / 2 + 2]);
      if (v.twin && twin.length < MAX_TWIN) {
        twin.push({ kind: 'state', text: msg('ladder.state', { time: formatTime(t), host: m.hostNames[h], state }), time: t, host: m.hostNames[h], to: state, event: m.base + i });
      }
    }

    // What applications and balancers say ("nlb: flow expired ..."), beside the lifeline, muted.
    const ap = m.apps;
    const apStart = (() => {
      let lo = 0;
      let hi = ap.n;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (m.cols.time[ap.a[mid]] < t0) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    })();
    ctx.fillStyle = th.muted;
    for (let k = apStart; k < ap.n; ++k) {
      const i = ap.a[k];
      const t = m.cols.time[i];
      if (t > t1) break;
      const h = m.cols.host[i];
      if (h < 0 || h >= nHosts) continue;
      const y = sy(t) + fs + 4;
      if (y - fs < pillBottom[h] || y > H || bands.some(([a, b]) => y > a && y - fs < b)) continue;
      // What a call returned wins the place over the narration of the same moment and host.
      if (m.cols.kind[i] !== Kind.SocketError && this.errorFollows(ap, k, t, h)) continue;
      const name = m.label(m.cols.name[i]);
      const detail = m.cols.hasText[i] ? this.text(m.base + i) : '';
      // A socket error says what the call got, from its errno: "connect: connection refused".
      const full = m.cols.kind[i] === Kind.SocketError
        ? msg('ladder.socketError', { call: m.label(m.cols.from[i]), errno: name, meaning: errnoMeaning(name) })
        : name ? `${name}: ${detail}` : detail;
      const right = side(h) > 0;
      const out = 8 + lanesOf[h] * 6;
      const room = right
        ? (h + 1 < nHosts ? Math.min(96, xs[h + 1] - xs[h] - out - 40) : W - this.rightMargin - xs[h] - out - 8)
        : xs[h] - out - th.gutter - 4;
      const txt = this.elide(ctx, full, room);
      if (!txt) continue;
      const w = this.measure(ctx, txt);
      ctx.fillText(txt, right ? xs[h] + out : xs[h] - out - w, y);
      pillBottom[h] = y + 3;
      taken[h].push([y - fs, y + 3]);
      if (v.twin && twin.length < MAX_TWIN) twin.push({ kind: 'app', text: `${formatTime(t)} ${m.hostNames[h]}: ${full}`, time: t, host: m.hostNames[h], label: full, event: m.base + i });
    }
    // Timer labels, where no state or application label is.
    ctx.fillStyle = th.timerText;
    const inBand = (y: number) => bands.some(([a, b]) => y > a && y - fs < b);
    // The live countdowns first: a span's label that would cover one gives way. A label never
    // runs into the time gutter (the playhead's time box is there): it is shortened instead.
    timerLabels.sort((a, b) => Number(b.live) - Number(a.live));
    for (const l of timerLabels) {
      const rows = taken[l.h];
      if (rows.some(([a, b]) => l.y > a && l.y - fs < b) || inBand(l.y)) continue;
      const txt = this.elide(ctx, l.txt, l.right ? W - l.x - 2 : l.x - th.gutter - 2);
      if (!txt) continue;
      ctx.fillText(txt, l.right ? l.x : l.x - this.measure(ctx, txt), l.y);
      rows.push([l.y - fs, l.y + 3]);
    }
    ctx.font = font;

    if (!m.n) {
      ctx.fillStyle = th.muted;
      ctx.font = font;
      const hint = msg('ladder.empty');
      ctx.fillText(hint, th.gutter + (W - th.gutter - this.measure(ctx, hint)) / 2, th.headerHeight + (H - th.headerHeight) / 2);
    }

    // The playhead.
    if (yNow >= th.headerHeight && yNow <= H) {
      ctx.strokeStyle = th.playhead;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(th.gutter - 8, yNow);
      ctx.lineTo(W, yNow);
      ctx.stroke();
      ctx.fillStyle = th.playhead;
      ctx.font = small;
      const txt = formatTime(v.now);
      ctx.fillRect(0, yNow - fs / 2 - 3, th.gutter - 8, fs + 6);
      ctx.fillStyle = th.bg;
      ctx.fillText(txt, 4, yNow + fs / 2 - 1);
      ctx.font = font;
    }

    // Host headers, always on top.
    ctx.fillStyle = th.header;
    ctx.fillRect(0, 0, W, th.headerHeight);
    ctx.strokeStyle = th.grid;
    ctx.beginPath();
    ctx.moveTo(0, th.headerHeight - 0.5);
    ctx.lineTo(W, th.headerHeight - 0.5);
    ctx.stroke();
    for (let h = 0; h < nHosts; ++h) {
      ctx.fillStyle = th.text;
      ctx.font = `bold ${fs + 1}px ${th.font}`;
      const name = m.hostNames[h];
      const w = this.measure(ctx, name);
      ctx.fillText(name, xs[h] - w / 2, th.headerHeight / 2 - 2);
      ctx.font = small;
      ctx.fillStyle = th.muted;
      const addr = this.addresses[h] ?? '';
      const aw = this.measure(ctx, addr);
      ctx.fillText(addr, xs[h] - aw / 2, th.headerHeight / 2 + fs + 1);
      ctx.font = font;
    }
    return { segs: this.segs, rows: this.rows, count, twin };
  }

  addresses: string[] = [];
}

/** The event kinds a twin or log refers to, re-exported for views. */
export { Kind };
