import { LitElement, html } from 'lit';

import type { EngineController } from '../../engine/controller';
import { msg } from '../../i18n';
import { Mark } from '../../model/trace-model';
import type { LadderView } from '../../ladder/export';
import { DrawnFrame, LadderPainter, LadderTheme, TOP_PAD, TwinItem, markText } from '../../ladder/painter';
import { formatTime } from '../../util/time';
import { emit } from '../events';
import { styles } from './tp-ladder.styles';

const MIN_SCALE = 1e-12; // px per ns
const MAX_SCALE = 1e-3;

/**
 * The ladder (sequence) diagram: one canvas, redrawn on requestAnimationFrame only when dirty.
 *
 * @event tp-select - a packet was clicked (detail.event: model index of its packet_sent)
 * @cssproperty --tp-ladder-* - colours and sizes (see tcp-playground.styles.ts)
 */
export class TpLadder extends LitElement {
  static override styles = styles;

  /** The playground's engine; set by <tcp-playground>. */
  controller: EngineController | null = null;
  /** Absolute sequence numbers instead of relative ones. */
  absolute = false;
  /** Keep the present in view while playing. */
  follow = true;

  private painter: LadderPainter | null = null;
  private canvas: HTMLCanvasElement | null = null;
  private tooltip: HTMLElement | null = null;
  private twinList: HTMLElement | null = null;
  private theme: LadderTheme | null = null;
  private scrollY = 0;
  private dirty = true;
  private raf = 0;
  private frame: DrawnFrame | null = null;
  private hoverRow = -1;
  private ackRow = -1;
  private selectedRow = -1;
  private resizeObserver: ResizeObserver | null = null;
  private width = 0;
  private height = 0;
  private drag: { y: number; scroll: number; moved: boolean } | null = null;
  private twinKey = '';
  private lastTwinAt = 0;
  /** performance.now() of the first frame drawn with a lesson (the benchmark's "interactive"). */
  firstPaintAt = 0;
  /** Frame times (ms) of recent draws, for the benchmark. */
  readonly drawTimes: number[] = [];

  override render() {
    return html`
      <div class="ladder" part="ladder">
        <div class="toolbar" role="toolbar" aria-label=${msg('ladder.label')}>
          <button class="seq" aria-pressed=${this.absolute ? 'true' : 'false'} title=${msg('ladder.seqMode')} @click=${this.toggleSeq}>
            ${this.absolute ? msg('ladder.absolute') : msg('ladder.relative')}
          </button>
          <button class="follow" aria-pressed=${this.follow ? 'true' : 'false'} @click=${this.toggleFollow}>${msg('ladder.follow')}</button>
          <button class="zoom-out" aria-label=${msg('ladder.zoomOut')} title=${msg('ladder.zoomOut')} @click=${() => this.zoom(0.5)}>−</button>
          <button class="zoom-in" aria-label=${msg('ladder.zoomIn')} title=${msg('ladder.zoomIn')} @click=${() => this.zoom(2)}>+</button>
          <button class="fit" title=${msg('ladder.fit')} @click=${this.resetZoom}>${msg('ladder.fit')}</button>
        </div>
        <div class="stage">
        <canvas
          role="img"
          aria-label=${msg('ladder.label')}
          @wheel=${this.onWheel}
          @pointerdown=${this.onPointerDown}
          @pointermove=${this.onPointerMove}
          @pointerup=${this.onPointerUp}
          @pointerleave=${this.onPointerLeave}
        ></canvas>
        <div class="tooltip" hidden></div>
        <div class="callouts" aria-live="polite"></div>
        <div class="verdict" hidden></div>
        </div>
        <ol class="twin" aria-label=${msg('ladder.label')}></ol>
      </div>
    `;
  }

  override firstUpdated(): void {
    const root = this.renderRoot as ShadowRoot;
    this.canvas = root.querySelector('canvas');
    this.tooltip = root.querySelector('.tooltip');
    this.twinList = root.querySelector('.twin');
    this.calloutBox = root.querySelector('.callouts');
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(this.canvas!);
    this.resize();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.invalidate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    cancelAnimationFrame(this.raf);
    this.raf = 0;
    clearTimeout(this.twinPending);
    this.twinPending = 0;
    this.resizeObserver?.disconnect();
  }

  /** Starts over for a newly loaded lesson. */
  reset(): void {
    if (!this.controller) return;
    const c = this.controller;
    this.painter = new LadderPainter(c.model, (i) => c.feed.eventText(i));
    this.painter.addresses = c.hostAddresses();
    this.scrollY = 0;
    this.follow = true;
    this.hoverRow = this.ackRow = this.selectedRow = -1;
    this.resetZoom();
    this.requestUpdate();
  }

  /** The default zoom: the shortest link delay spans about 28 px. */
  private resetZoom = (): void => {
    const c = this.controller;
    if (!c || !this.painter) return;
    const delays = c.model.linkDelay.filter((d) => d > 0);
    const min = delays.length ? Math.min(...delays) : 10e6;
    this.painter.axis.scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, 28 / min));
    this.follow = true;
    this.requestUpdate();
    this.invalidate();
  };

  /** Something changed: redraw on the next animation frame. */
  invalidate(): void {
    this.dirty = true;
    if (!this.raf && this.isConnected) this.raf = requestAnimationFrame(() => this.paint());
  }

  /** What an export of the ladder needs (ladder/export.ts): the view as it is on screen. */
  exportView(): LadderView | null {
    const c = this.controller;
    const p = this.painter;
    if (!c || !p) return null;
    if (!this.theme) this.theme = this.readTheme();
    return {
      model: c.model,
      text: (i) => c.feed.eventText(i),
      addresses: c.hostAddresses(),
      theme: this.theme,
      width: this.width || 800,
      height: this.height || 600,
      scrollY: this.scrollY,
      scale: p.axis.scale,
      now: c.now,
      absolute: this.absolute,
    };
  }

  /** Draws now rather than on the next animation frame (the first frame of a page). */
  paintNow(): void {
    this.dirty = true;
    this.paint();
  }

  private readTheme(): LadderTheme {
    const cs = getComputedStyle(this);
    const v = (name: string, fallback: string) => cs.getPropertyValue(name).trim() || fallback;
    const n = (name: string, fallback: number) => parseFloat(cs.getPropertyValue(name)) || fallback;
    return {
      bg: v('--tp-ladder-bg', '#fff'),
      header: v('--tp-ladder-header-bg', '#f4f5f7'),
      text: v('--tp-ladder-text', '#1b1f24'),
      muted: v('--tp-ladder-muted', '#5c6570'),
      grid: v('--tp-ladder-grid', '#d0d4da'),
      lifeline: v('--tp-ladder-lifeline', '#8a929c'),
      tcp: v('--tp-ladder-tcp', '#2b4c8c'),
      synfin: v('--tp-ladder-synfin', '#555'),
      rst: v('--tp-ladder-rst', '#a40000'),
      udp: v('--tp-ladder-udp', '#0b6e99'),
      icmp: v('--tp-ladder-icmp', '#8a5a00'),
      drop: v('--tp-ladder-drop', '#c00'),
      playhead: v('--tp-ladder-playhead', '#d03c00'),
      select: v('--tp-ladder-select', '#7b2fbf'),
      hover: v('--tp-ladder-hover', '#e08a00'),
      fold: v('--tp-ladder-fold', '#eef0f3'),
      timer: v('--tp-ladder-timer', '#9aa3ad'),
      timerText: v('--tp-ladder-timer-text', '#4a525b'),
      stateBg: v('--tp-ladder-state-bg', '#eee'),
      stateText: v('--tp-ladder-state-text', '#111'),
      stateOpen: v('--tp-state-established', '#9be3a8'),
      stateHandshake: v('--tp-state-handshake', '#ffe08a'),
      stateClosing: v('--tp-state-closing', '#ffc58a'),
      stateTimeWait: v('--tp-state-time-wait', '#d5b8f0'),
      stateClosed: v('--tp-state-closed', '#d8dce1'),
      marks: {
        [Mark.Retransmission]: v('--tp-mark-retransmission', '#d0021b'),
        [Mark.Duplicate]: v('--tp-mark-duplicate', '#7b2fbf'),
        [Mark.ZeroWindowProbe]: v('--tp-mark-zero-window-probe', '#c25e00'),
        [Mark.Keepalive]: v('--tp-mark-keepalive', '#00796b'),
        [Mark.ChallengeAck]: v('--tp-mark-challenge-ack', '#b0007a'),
        [Mark.DupAck]: v('--tp-mark-dup-ack', '#725000'),
        [Mark.ZeroWindow]: v('--tp-mark-zero-window', '#c25e00'),
        [Mark.RstReply]: v('--tp-mark-rst-reply', '#a40000'),
        [Mark.Other]: v('--tp-mark-other', '#555'),
        [Mark.WindowUpdate]: v('--tp-mark-window-update', '#2e7d32'),
      },
      callout: v('--tp-callout-border', '#b07a00'),
      font: v('--tp-ladder-font-family', 'ui-monospace, monospace'),
      fontSize: n('--tp-ladder-font-size', 11),
      headerHeight: n('--tp-ladder-header-height', 46),
      gutter: n('--tp-ladder-gutter', 78),
    };
  }

  private resize(): void {
    if (!this.canvas) return;
    const r = this.canvas.getBoundingClientRect();
    this.width = Math.max(1, r.width);
    this.height = Math.max(1, r.height);
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(this.width * dpr);
    this.canvas.height = Math.round(this.height * dpr);
    this.theme = null;
    this.invalidate();
  }

  private paint(): void {
    this.raf = 0;
    if (!this.dirty || !this.canvas || !this.controller || !this.painter) return;
    this.dirty = false;
    const start = performance.now();
    if (!this.theme) this.theme = this.readTheme();
    const c = this.controller;
    const m = c.model;
    const now = c.now;
    const p = this.painter;
    p.axis.build(m.cols.time, m.n, Math.max(now, 0), m.version);
    const th = this.theme;
    this.layoutCallouts();
    const viewH = this.height - th.headerHeight;
    const contentH = p.axis.y(now) + TOP_PAD + 40;
    if (this.follow) this.scrollY = Math.max(0, p.axis.y(now) + TOP_PAD - viewH * 0.8);
    this.scrollY = Math.max(0, Math.min(this.scrollY, Math.max(0, contentH - viewH)));
    const ctx = this.canvas.getContext('2d')!;
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.frame = p.draw(ctx, {
      width: this.width,
      height: this.height,
      scrollY: this.scrollY,
      now,
      absolute: this.absolute,
      hoverRow: this.hoverRow,
      ackRow: this.ackRow,
      selectedRow: this.selectedRow,
      twin: this.twinDue(),
    }, th);
    const end = performance.now();
    this.drawTimes.push(end - start);
    if (!this.firstPaintAt) {
      this.firstPaintAt = end;
      performance.mark('tcpplay:first-frame');
    }
    if (this.drawTimes.length > 600) this.drawTimes.splice(0, 300);
    const v = this.verdict;
    if (v && v.time <= now && this.frame.twin.length) {
      this.frame.twin.push({ kind: 'verdict', text: `${formatTime(v.time)} ${m.hostNames[v.host] ?? ''}: ${msg('verdict.ladder', { text: v.text })}`, time: v.time, host: m.hostNames[v.host], label: v.text });
    }
    if (this.frame.twin.length || this.twinWanted) this.scheduleTwin(this.frame.twin);
    this.placeCallouts(th.headerHeight);
    this.placeVerdict(th.headerHeight);
  }

  /** The composer's verdict on its last crafted segment: at its arrival, by the receiver's lifeline. */
  private verdict: { time: number; host: number; text: string; kind: string } | null = null;

  /** Shows (or clears, with null) what the receiver did with the composer's last segment. */
  setVerdict(v: { verdict: { time: number; kind: string }; host: number; text: string } | null): void {
    const next = v && !Number.isNaN(v.verdict.time) ? { time: v.verdict.time, host: v.host, text: v.text, kind: v.verdict.kind } : null;
    const same = next && this.verdict && next.time === this.verdict.time && next.host === this.verdict.host && next.text === this.verdict.text;
    if (same || (!next && !this.verdict)) return;
    this.verdict = next;
    this.invalidate();
  }

  private placeVerdict(headerHeight: number): void {
    const el = this.renderRoot.querySelector<HTMLElement>('.verdict');
    const v = this.verdict;
    const c = this.controller;
    if (!el || !this.painter || !this.theme || !c) return;
    const y = v ? headerHeight + TOP_PAD + this.painter.axis.y(v.time) - this.scrollY : -1;
    if (!v || v.time > c.now || y < headerHeight || y > this.height - 10) {
      el.hidden = true;
      return;
    }
    // On the outer side of the receiver's lifeline (packet labels are between lifelines), just
    // under the arrival (a state label may sit at it).
    const x = this.painter.hostX(v.host, this.width, this.theme);
    const right = x > this.width / 2;
    const room = right ? this.width - this.painter.rightMargin - x - 10 : x - this.theme.gutter / 2 - 10;
    el.hidden = false;
    el.textContent = v.text;
    el.title = msg('verdict.ladder', { text: v.text });
    el.dataset.kind = v.kind;
    el.classList.toggle('flip', !right);
    el.style.setProperty('--verdict-x', `${Math.round(x + (right ? 6 : -6))}px`);
    el.style.setProperty('--verdict-y', `${Math.round(y + this.theme.fontSize + 6)}px`);
    el.style.setProperty('--verdict-room', `${Math.max(40, Math.round(room))}px`);
  }

  private calloutBox: HTMLElement | null = null;
  /** Watch texts of the open lesson (point n is watchTexts[n - 1]). */
  watchTexts: string[] = [];
  /** Callouts as full boxes in a right margin (wide ladder), or as numbered badges (narrow). */
  private calloutsWide = false;

  /**
   * Keeps a margin right of the lifelines for the lesson's callouts: a column as wide as
   * --tp-callout-width when the ladder is at least --tp-callout-min-ladder wide, else a narrow
   * strip of numbered badges (the text is in their tooltip and in the lesson panel). The painter
   * draws a guide from each point's lifeline to that margin.
   */
  private layoutCallouts(): void {
    const c = this.controller;
    const p = this.painter;
    if (!c || !p) return;
    const cs = getComputedStyle(this);
    const px = (name: string, fallback: number) => parseFloat(cs.getPropertyValue(name)) || fallback;
    const hasPoints = this.watchTexts.length > 0;
    this.calloutsWide = this.width >= px('--tp-callout-min-ladder', 700);
    p.rightMargin = !hasPoints ? 0 : this.calloutsWide ? px('--tp-callout-width', 230) + 8 : px('--tp-callout-badge-margin', 30);
    const latest = c.points.latestAt(c.now);
    p.guides = c.points.list.map((pt) => ({ time: pt.time, host: pt.host, latest: pt === latest }));
  }

  /**
   * The lesson's points reached so far, each a callout in the right margin at its moment (moved
   * down or up only as far as needed so that none covers another), joined by a leader to the
   * guide the painter drew from the host's lifeline; the latest one highlighted. Only those in
   * view are placed, always inside the ladder.
   */
  private placeCallouts(headerHeight: number): void {
    const box = this.calloutBox;
    const c = this.controller;
    if (!box || !c || !this.painter || !this.theme) return;
    const p = this.painter;
    const points = c.points.list;
    const latest = c.points.latestAt(c.now);
    const top = headerHeight + TOP_PAD;
    const left = this.width - p.rightMargin + 4;
    const items: HTMLElement[] = [];
    const ys: number[] = [];
    for (const pt of points) {
      if (pt.time > c.now) continue;
      const y = top + p.axis.y(pt.time) - this.scrollY;
      if (y < headerHeight - 4 || y > this.height) continue;
      let el = box.querySelector<HTMLElement>(`.callout[data-point="${pt.n}"]`);
      if (!el) {
        el = document.createElement('div');
        el.className = 'callout';
        el.dataset.point = String(pt.n);
        const num = document.createElement('span');
        num.className = 'num';
        num.textContent = String(pt.n);
        const text = document.createElement('span');
        text.className = 'text';
        text.textContent = this.watchTexts[pt.n - 1] ?? '';
        el.title = text.textContent;
        el.append(num, text);
      }
      el.dataset.time = String(pt.time);
      el.classList.toggle('latest', pt === latest);
      el.classList.toggle('badge', !this.calloutsWide);
      el.style.setProperty('--callout-x', `${Math.round(left)}px`);
      items.push(el);
      ys.push(y);
    }
    let leaders = box.querySelector<SVGSVGElement>('svg.leaders');
    if (!leaders) {
      leaders = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
      leaders.classList.add('leaders');
      leaders.setAttribute('aria-hidden', 'true');
    }
    box.replaceChildren(leaders, ...items);
    // Stack: each at its moment's height, pushed down past the one above, then up from the bottom.
    const gap = 4;
    const hs = items.map((el) => el.offsetHeight);
    const tops = ys.map((y, k) => y - Math.min(hs[k] / 2, 10));
    for (let k = 0; k < tops.length; ++k) tops[k] = Math.max(tops[k], headerHeight + gap, k ? tops[k - 1] + hs[k - 1] + gap : -Infinity);
    let limit = this.height - gap;
    for (let k = tops.length - 1; k >= 0; --k) {
      tops[k] = Math.min(tops[k], limit - hs[k]);
      limit = tops[k] - gap;
    }
    const lines: SVGElement[] = [];
    const xr = this.width - p.rightMargin;
    items.forEach((el, k) => {
      el.style.setProperty('--callout-y', `${Math.round(tops[k])}px`);
      // The leader: from the end of the guide (the margin's edge, at the moment) to the badge.
      const line = document.createElementNS('http://www.w3.org/2000/svg', 'path');
      const yb = tops[k] + Math.min(hs[k] / 2, 10);
      line.setAttribute('d', `M${xr.toFixed(1)},${ys[k].toFixed(1)} L${(left + 1).toFixed(1)},${yb.toFixed(1)}`);
      line.classList.add('leader');
      if (el.classList.contains('latest')) line.classList.add('latest');
      lines.push(line);
    });
    leaders.replaceChildren(...lines);
  }

  private twinWanted = true;
  private twinPending = 0;

  /** Whether this frame builds the text twin: at most every 200 ms; a later frame catches up. */
  private twinDue(): boolean {
    const due = performance.now() - this.lastTwinAt >= 200;
    this.twinWanted = due;
    if (!due && !this.twinPending) {
      // Draw once more when the wait is over, so the twin ends up matching what is shown.
      this.twinPending = window.setTimeout(() => {
        this.twinPending = 0;
        this.invalidate();
      }, 200 - (performance.now() - this.lastTwinAt));
    }
    return due;
  }

  /** Keeps the accessible text twin (a list of what is drawn) up to date, at most 5 times a second. */
  private scheduleTwin(items: TwinItem[]): void {
    const key = items.map((i) => i.text).join('\n');
    if (key === this.twinKey) return;
    const apply = () => {
      this.twinKey = key;
      this.lastTwinAt = performance.now();
      const list = this.twinList;
      if (!list) return;
      const lis = items.map((it) => {
        const li = document.createElement('li');
        li.textContent = it.text;
        li.dataset.kind = it.kind;
        if (it.host) li.dataset.host = it.host;
        if (it.to) li.dataset.to = it.to;
        if (it.label) li.dataset.label = it.label;
        if (it.event !== undefined) li.dataset.event = String(it.event);
        li.dataset.time = String(it.time);
        return li;
      });
      if (!lis.length) {
        const li = document.createElement('li');
        li.textContent = msg('ladder.empty');
        lis.push(li);
      }
      list.replaceChildren(...lis);
    };
    apply();
  }

  private toggleSeq = (): void => {
    this.absolute = !this.absolute;
    this.requestUpdate();
    this.invalidate();
  };

  private toggleFollow = (): void => {
    this.follow = !this.follow;
    this.requestUpdate();
    this.invalidate();
  };

  /** Zooms in time by `factor` around content y `anchorY` (px in the canvas; default: the middle). */
  zoom(factor: number, anchorY?: number): void {
    const p = this.painter;
    const c = this.controller;
    if (!p || !c || !this.theme) return;
    const th = this.theme;
    const ay = (anchorY ?? th.headerHeight + (this.height - th.headerHeight) / 2) - th.headerHeight - TOP_PAD;
    const t = p.axis.t(this.scrollY + ay);
    p.axis.scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, p.axis.scale * factor));
    p.axis.build(c.model.cols.time, c.model.n, c.now, c.model.version);
    this.scrollY = p.axis.y(t) - ay;
    if (factor > 1) this.follow = false;
    this.requestUpdate();
    this.invalidate();
  }

  /** Scrolls so that time t is in view (a third from the top). */
  scrollToTime(t: number): void {
    const p = this.painter;
    if (!p || !this.controller) return;
    const c = this.controller;
    p.axis.build(c.model.cols.time, c.model.n, c.now, c.model.version);
    this.scrollY = Math.max(0, p.axis.y(t) - (this.height - 46) / 3);
    this.follow = false;
    this.requestUpdate();
    this.invalidate();
  }

  /** Selects the packet of a trace event (model index), or clears the selection with -1. */
  select(event: number, scroll = true): void {
    const c = this.controller;
    if (!c) return;
    const row = event >= 0 ? c.model.rowOfEvent(event) : -1;
    this.selectedRow = row;
    if (row >= 0 && scroll) this.scrollToTime(c.model.pSend.a[row]);
    this.invalidate();
  }

  /** Scrolls by dy px (for tests and the benchmark as well as the wheel). */
  scrollBy2(dy: number): void {
    this.scrollY = Math.max(0, this.scrollY + dy);
    this.follow = false;
    this.requestUpdate();
    this.invalidate();
  }

  private onWheel = (e: WheelEvent): void => {
    e.preventDefault();
    if (e.ctrlKey || e.metaKey) {
      const r = this.canvas!.getBoundingClientRect();
      this.zoom(e.deltaY < 0 ? 1.25 : 0.8, e.clientY - r.top);
    } else {
      this.scrollBy2(e.deltaY);
    }
  };

  private onPointerDown = (e: PointerEvent): void => {
    this.drag = { y: e.clientY, scroll: this.scrollY, moved: false };
    this.canvas?.setPointerCapture(e.pointerId);
  };

  private onPointerMove = (e: PointerEvent): void => {
    if (this.drag) {
      const dy = e.clientY - this.drag.y;
      if (Math.abs(dy) > 3) this.drag.moved = true;
      if (this.drag.moved) {
        this.scrollY = Math.max(0, this.drag.scroll - dy);
        this.follow = false;
        this.requestUpdate();
        this.invalidate();
        return;
      }
    }
    this.hover(e);
  };

  private onPointerUp = (e: PointerEvent): void => {
    const drag = this.drag;
    this.drag = null;
    if (drag?.moved) return;
    const row = this.hit(e);
    this.hover(e);
    const c = this.controller;
    if (!c) return;
    this.selectedRow = row;
    this.invalidate();
    if (row >= 0) emit(this, 'tp-select', { event: c.model.pSendEv.a[row], source: 'ladder' });
  };

  private onPointerLeave = (): void => {
    if (this.drag) return;
    this.hoverRow = this.ackRow = -1;
    if (this.tooltip) this.tooltip.hidden = true;
    this.invalidate();
  };

  /** The packet row under the pointer (within 6 px of its arrow), or -1. */
  private hit(e: PointerEvent): number {
    const f = this.frame;
    if (!f || !this.canvas) return -1;
    const r = this.canvas.getBoundingClientRect();
    const x = e.clientX - r.left;
    const y = e.clientY - r.top;
    let best = -1;
    let bestD = 36;
    for (let k = 0; k < f.count; ++k) {
      const x1 = f.segs[k * 4], y1 = f.segs[k * 4 + 1], x2 = f.segs[k * 4 + 2], y2 = f.segs[k * 4 + 3];
      const dx = x2 - x1, dy = y2 - y1;
      const len2 = dx * dx + dy * dy || 1;
      const u = Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / len2));
      const px = x1 + u * dx - x, py = y1 + u * dy - y;
      const d = px * px + py * py;
      if (d < bestD) {
        bestD = d;
        best = f.rows[k];
      }
    }
    return best;
  }

  private hover(e: PointerEvent): void {
    const c = this.controller;
    const tip = this.tooltip;
    if (!c || !tip || !this.painter) return;
    const row = this.hit(e);
    if (row === this.hoverRow) {
      if (row >= 0) this.placeTooltip(e);
      return;
    }
    this.hoverRow = row;
    this.ackRow = row >= 0 ? c.model.coveringAck(row) : -1;
    if (row < 0) {
      tip.hidden = true;
    } else {
      const m = c.model;
      const ev = m.pSendEv.a[row];
      const lines = [`${formatTime(m.pSend.a[row])}  ${m.hostNames[m.pFrom.a[row]]} → ${m.hostNames[m.pTo.a[row]] ?? '?'}`];
      const mark = markText(m.pMark.a[row]);
      lines.push((mark ? `[${mark}] ` : '') + this.painter.label(row, this.absolute));
      const dropEv = m.pDropEv.a[row];
      if (dropEv >= 0) lines.push(msg('ladder.dropped', { reason: m.label(m.cols.name[dropEv]) }));
      const text = c.feed.eventText(m.base + ev);
      if (text) lines.push(text);
      tip.textContent = lines.join('\n');
      tip.hidden = false;
      this.placeTooltip(e);
    }
    this.invalidate();
  }

  private placeTooltip(e: PointerEvent): void {
    const tip = this.tooltip!;
    const r = this.canvas!.getBoundingClientRect();
    const x = Math.min(e.clientX - r.left + 14, this.width - 320);
    const y = Math.min(e.clientY - r.top + 14, this.height - 90);
    // CSSOM, not a style attribute: the page's CSP forbids inline styles.
    tip.style.setProperty('--tip-x', `${Math.max(0, x)}px`);
    tip.style.setProperty('--tip-y', `${Math.max(0, y)}px`);
  }
}
