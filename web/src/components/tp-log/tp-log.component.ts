import { LitElement, html } from 'lit';

import type { EngineController } from '../../engine/controller';
import { Kind } from '../../engine/feed';
import { msg } from '../../i18n';
import { errnoMeaning } from '../../model/socket-error';
import { formatDuration } from '../../util/time';
import { emit } from '../events';
import { styles } from './tp-log.styles';

const ROW_H = 18;
const OVERSCAN = 8;

/** 00:00:01.000000, as tcpdump prints times. */
export function tcpdumpTime(ns: number): string {
  const us = Math.floor(ns / 1000);
  const s = Math.floor(us / 1e6);
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${p2(Math.floor(s / 3600))}:${p2(Math.floor(s / 60) % 60)}:${p2(s % 60)}.${String(us % 1e6).padStart(6, '0')}`;
}

/**
 * The trace as text: tcpdump lines for packets, `#` lines for everything else; filterable by
 * host and connection; a virtualised list (a few dozen row elements, whatever the length).
 *
 * @event tp-select - a line was clicked (detail.event: model index)
 */
export class TpLog extends LitElement {
  static override styles = styles;

  controller: EngineController | null = null;
  private hostFilter = -1;
  private connFilter = -1;
  private rows = new Int32Array(1024);
  private count = 0;
  private scanned = 0;
  private scannedBase = -1;
  private selected = -1;
  private scroller: HTMLElement | null = null;
  private spacer: HTMLElement | null = null;
  private rowBox: HTMLElement | null = null;
  private pool: HTMLElement[] = [];
  private stick = true;
  private connOptions: Array<[number, number]> = [];
  private raf = 0;

  override render() {
    const m = this.controller?.model;
    return html`
      <div class="filters">
        <label>${msg('log.host')}
          <select class="host" @change=${this.onHost}>
            <option value="-1">${msg('log.all')}</option>
            ${(m?.hostNames ?? []).map((h, i) => html`<option value=${i} ?selected=${i === this.hostFilter}>${h}</option>`)}
          </select>
        </label>
        <label>${msg('log.conn')}
          <select class="conn" @change=${this.onConn}>
            <option value="-1">${msg('log.all')}</option>
            ${this.connOptions.map(([c, h]) => html`<option value=${c} ?selected=${c === this.connFilter}>#${c} ${m?.hostNames[h] ?? ''}</option>`)}
          </select>
        </label>
        <span class="count">${msg('log.lines', { n: this.count.toLocaleString('en') })}</span>
      </div>
      <div
        class="scroller"
        role="log"
        aria-label=${msg('log.label')}
        tabindex="0"
        @scroll=${this.onScroll}
        @click=${this.onClick}
        @wheel=${this.onUserScroll}
        @pointerdown=${this.onUserScroll}
        @touchmove=${this.onUserScroll}
        @keydown=${this.onUserScroll}
      >
        <div class="spacer"></div>
        <div class="rows"></div>
      </div>
    `;
  }

  override firstUpdated(): void {
    this.scroller = this.renderRoot.querySelector('.scroller');
    this.spacer = this.renderRoot.querySelector('.spacer');
    this.rowBox = this.renderRoot.querySelector('.rows');
    new ResizeObserver(() => this.paint()).observe(this.scroller!);
    this.refresh();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    cancelAnimationFrame(this.raf);
    this.raf = 0;
  }

  /** A new lesson: no filters, nothing shown. */
  newLesson(): void {
    this.hostFilter = -1;
    this.connFilter = -1;
    this.reset();
  }

  /** Starts over (a new lesson or filter). */
  reset(): void {
    this.count = 0;
    this.scanned = 0;
    this.selected = -1;
    this.stick = true;
    this.connOptions = [];
    this.requestUpdate();
    this.refresh();
  }

  private keep(i: number): boolean {
    const m = this.controller!.model;
    const c = m.cols;
    const kind = c.kind[i];
    if (kind === Kind.PacketReceived || kind === Kind.LessonPoint) return false;
    if (this.hostFilter < 0 && this.connFilter < 0) return true;
    if (kind === Kind.PacketSent || kind === Kind.PacketDuplicated) {
      const row = m.rowOfEvent(i);
      const recv = row >= 0 ? m.pRecvEv.a[row] : -1;
      if (this.hostFilter >= 0 && c.host[i] !== this.hostFilter && (row < 0 || m.pTo.a[row] !== this.hostFilter)) return false;
      if (this.connFilter >= 0 && c.conn[i] !== this.connFilter && (recv < 0 || c.peerConn[recv] !== this.connFilter)) return false;
      return true;
    }
    if (this.hostFilter >= 0 && c.host[i] !== this.hostFilter) return false;
    if (this.connFilter >= 0 && c.conn[i] !== this.connFilter) return false;
    return true;
  }

  /** Takes in new events (cheap: only those since the last call). */
  refresh(): void {
    const m = this.controller?.model;
    if (!m) return;
    if (m.n < this.scanned || m.base !== this.scannedBase) {
      this.count = 0;
      this.scanned = 0;
      this.scannedBase = m.base;
    }
    for (let i = this.scanned; i < m.n; ++i) {
      if (!this.keep(i)) continue;
      if (this.count === this.rows.length) {
        const b = new Int32Array(this.rows.length * 2);
        b.set(this.rows);
        this.rows = b;
      }
      this.rows[this.count++] = i;
    }
    this.scanned = m.n;
    if (m.connHost.size !== this.connOptions.length) {
      this.connOptions = [...m.connHost.entries()].sort((a, b) => a[0] - b[0]);
      this.requestUpdate();
    }
    this.requestUpdate();
    this.schedulePaint();
  }

  private schedulePaint(): void {
    if (!this.raf) this.raf = requestAnimationFrame(() => {
      this.raf = 0;
      this.paint();
    });
  }

  /** One line of text for model event i. */
  line(i: number): string {
    const c = this.controller!;
    const m = c.model;
    const col = m.cols;
    const t = tcpdumpTime(col.time[i]);
    const kind = col.kind[i];
    const text = col.hasText[i] ? c.feed.eventText(m.base + i) : '';
    if (kind === Kind.PacketSent && text) return text;
    const host = col.host[i] >= 0 ? `${m.hostNames[col.host[i]]}: ` : '';
    const conn = col.conn[i] >= 0 ? `#${col.conn[i]} ` : '';
    const name = m.label(col.name[i]);
    let what: string;
    switch (kind) {
      case Kind.StateChange:
        what = `${conn}${m.label(col.from[i])} -> ${m.label(col.to[i])}${text ? ` (${text})` : ''}`;
        break;
      case Kind.TimerSet:
        what = `${conn}timer ${name} set${col.deadline[i] >= 0 ? `, fires at ${tcpdumpTime(col.deadline[i])} (${formatDuration(col.deadline[i] - col.time[i])})` : ''}`;
        break;
      case Kind.TimerFired:
        what = `${conn}timer ${name} fired`;
        break;
      case Kind.TimerCancelled:
        what = `${conn}timer ${name} cancelled`;
        break;
      case Kind.PacketDropped:
        what = `drop (${name})${col.link[i] >= 0 ? ` on ${m.linkNames[col.link[i]]}` : ''}`;
        break;
      case Kind.PacketDuplicated:
        what = `duplicated${col.link[i] >= 0 ? ` on ${m.linkNames[col.link[i]]}` : ''}`;
        break;
      case Kind.App:
        what = `app ${name}: ${text}`;
        break;
      case Kind.ParamChange:
        what = `set ${name} = ${text}`;
        break;
      case Kind.SocketError:
        what = `${conn}${msg('log.socketError', { call: m.label(col.from[i]), errno: name, meaning: errnoMeaning(name) })}${text ? `: ${text}` : ''}`;
        break;
      case Kind.PacketSent:
        what = `sent`;
        break;
      default:
        what = text;
    }
    return `${t}  # ${host}${what}`;
  }

  private paint(): void {
    const sc = this.scroller;
    if (!sc || !this.spacer || !this.rowBox || !this.controller) return;
    this.spacer.style.setProperty('--log-height', `${this.count * ROW_H}px`);
    if (this.stick) sc.scrollTop = this.count * ROW_H;
    const first = Math.max(0, Math.floor(sc.scrollTop / ROW_H) - OVERSCAN);
    const visible = Math.ceil(sc.clientHeight / ROW_H) + 2 * OVERSCAN;
    const last = Math.min(this.count, first + visible);
    while (this.pool.length < visible) {
      const div = document.createElement('div');
      div.className = 'line';
      this.rowBox.appendChild(div);
      this.pool.push(div);
    }
    this.rowBox.style.setProperty('--log-offset', `${first * ROW_H}px`);
    const kindCls = ['pkt', 'rcv', 'drop', 'state', 'timer', 'timer', 'timer', 'app', 'param', 'note', 'drop', '', 'error'];
    const col = this.controller.model.cols;
    for (let k = 0; k < this.pool.length; ++k) {
      const div = this.pool[k];
      const r = first + k;
      if (r >= last) {
        div.hidden = true;
        continue;
      }
      const i = this.rows[r];
      div.hidden = false;
      div.dataset.event = String(i);
      div.className = `line ${kindCls[col.kind[i]] ?? ''}${i === this.selected ? ' selected' : ''}`;
      const text = this.line(i);
      if (div.textContent !== text) div.textContent = text;
    }
    if (!this.count) {
      const div = this.pool[0];
      if (div) {
        div.hidden = false;
        div.className = 'line empty';
        div.textContent = msg('log.empty');
        delete div.dataset.event;
      }
    }
  }

  /** Selects model event i and scrolls it into view (from the ladder). */
  select(i: number): void {
    this.selected = i;
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.rows[mid] < i) lo = mid + 1;
      else hi = mid;
    }
    const sc = this.scroller;
    if (sc && lo < this.count) {
      this.stick = false;
      const y = lo * ROW_H;
      if (y < sc.scrollTop || y > sc.scrollTop + sc.clientHeight - ROW_H) sc.scrollTop = Math.max(0, y - sc.clientHeight / 3);
    }
    this.paint();
  }

  /** Only a person scrolling decides whether the log follows the end (not a tab being shown). */
  private userScrollUntil = 0;

  private onUserScroll = (): void => {
    this.userScrollUntil = performance.now() + 1000;
  };

  private onScroll = (): void => {
    const sc = this.scroller!;
    if (performance.now() < this.userScrollUntil) this.stick = sc.scrollTop + sc.clientHeight >= sc.scrollHeight - ROW_H;
    this.paint();
  };

  private onClick = (e: Event): void => {
    const line = (e.composedPath()[0] as HTMLElement).closest?.('.line') as HTMLElement | null;
    const ev = line?.dataset.event;
    if (ev === undefined) return;
    this.selected = Number(ev);
    this.paint();
    emit(this, 'tp-select', { event: this.selected, source: 'log' });
  };

  private onHost = (e: Event): void => {
    this.hostFilter = Number((e.target as HTMLSelectElement).value);
    this.reset();
  };

  private onConn = (e: Event): void => {
    this.connFilter = Number((e.target as HTMLSelectElement).value);
    this.reset();
  };
}
