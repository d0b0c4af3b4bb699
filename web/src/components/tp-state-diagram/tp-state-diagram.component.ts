import { LitElement, html, svg, nothing } from 'lit';
import { keyed } from 'lit/directives/keyed.js';

import type { EngineController } from '../../engine/controller';
import { msg, type MessageKey } from '../../i18n';
import { ConnPath, Transition, connectionPaths, peerOf } from '../../model/conn-states';
import { formatTime } from '../../util/time';
import { EDGES, H, NODES, NODE_H, NODE_W, W, curve, edgePath, figureEdge, node, targetNode } from './figure';
import { styles } from './tp-state-diagram.styles';

/** Estimated advance of one label character (px), for the length of the rule under an event. */
const RULE_CHAR = 5.6;

/** One diagram: a host and one of its connections (-1: the host's listener, or nothing yet). */
interface Pane {
  host: number;
  conn: number;
}

/**
 * The RFC 9293 state diagram (Figure 5) driven by the trace: for each shown connection the
 * current state highlighted, the transition just taken animated, the path so far faint, and
 * transitions the figure does not draw (resets, aborts, timeouts) dashed with their cause.
 * Two connections side by side: the selected one and its peer.
 */
export class TpStateDiagram extends LitElement {
  static override styles = styles;

  controller: EngineController | null = null;
  /** Connection names ("c1 10.0.0.1:40000 > 10.0.0.2:80") by id, from the connection table. */
  names = new Map<number, string>();
  /** Show the selected connection's peer beside it. */
  sideBySide = true;
  /** The connection chosen in the ladder, log or table (-1: the lesson's first ones). */
  private selected = -1;
  private paths = new Map<number, ConnPath>();
  private listenerPaths = new Map<number, Transition[]>();
  private peer = new Map<number, number>();
  private version = -1;

  /** Shows connection `conn` (and its peer). */
  selectConnection(conn: number): void {
    this.selected = conn;
    this.requestUpdate();
  }

  /** Starts over (a new lesson). */
  reset(): void {
    this.selected = -1;
    this.peer.clear();
    this.version = -1;
    this.refresh();
  }

  /** Re-reads the model when it changed. */
  refresh(): void {
    const m = this.controller?.model;
    if (!m || m.version === this.version) return;
    this.version = m.version;
    this.paths = connectionPaths(m);
    // Listeners have no connection id: their CLOSED -> LISTEN is kept per host.
    this.listenerPaths.clear();
    const c = m.cols;
    for (let k = 0; k < m.states.n; ++k) {
      const i = m.states.a[k];
      if (c.conn[i] >= 0 || c.host[i] < 0) continue;
      const list = this.listenerPaths.get(c.host[i]) ?? [];
      list.push({ from: m.label(c.from[i]), to: m.label(c.to[i]), time: c.time[i], event: i });
      this.listenerPaths.set(c.host[i], list);
    }
    this.requestUpdate();
  }

  private panes(): Pane[] {
    const m = this.controller!.model;
    if (this.selected >= 0 && this.paths.has(this.selected)) {
      const p = this.paths.get(this.selected)!;
      const out: Pane[] = [{ host: p.host, conn: p.conn }];
      if (this.sideBySide) {
        if (!this.peer.has(p.conn) || this.peer.get(p.conn)! < 0) this.peer.set(p.conn, peerOf(m, p.conn));
        const q = this.paths.get(this.peer.get(p.conn)!);
        if (q) out.push({ host: q.host, conn: q.conn });
      }
      return out;
    }
    // The first two hosts that have TCP states (by host index), each with its first connection.
    const hosts = new Set<number>();
    for (const p of this.paths.values()) hosts.add(p.host);
    for (const h of this.listenerPaths.keys()) hosts.add(h);
    for (let h = 0; hosts.size < 2 && h < m.hostNames.length; ++h) hosts.add(h);
    const chosen = [...hosts].sort((a, b) => a - b).slice(0, this.sideBySide ? 2 : 1);
    return chosen.map((host) => {
      for (const p of this.paths.values()) if (p.host === host) return { host, conn: p.conn };
      return { host, conn: -1 };
    });
  }

  private transitions(pane: Pane): Transition[] {
    const listen = this.listenerPaths.get(pane.host) ?? [];
    if (pane.conn < 0) return listen;
    const own = this.paths.get(pane.conn)?.transitions ?? [];
    // An accepted connection starts in LISTEN: show the listener's way there first.
    return own.length && own[0].from === 'LISTEN' ? [...listen.filter((t) => t.to === 'LISTEN').slice(-1), ...own] : own;
  }

  private cause(t: Transition): string {
    const c = this.controller!;
    return c.model.cols.hasText[t.event] ? c.feed.eventText(c.model.base + t.event) : '';
  }

  private explain(state: string): string {
    return msg(`state.explain.${state}` as MessageKey);
  }

  override render() {
    const c = this.controller;
    if (!c?.lesson) return html`<p class="empty">${msg('states.empty')}</p>`;
    const panes = this.panes();
    return html`
      <div class="bar">
        <label><input type="checkbox" class="side-by-side" .checked=${this.sideBySide} @change=${this.toggleSide} /> ${msg('states.sideBySide')}</label>
        <span class="hint">${msg('states.hint')}</span>
      </div>
      <div class="panes">${panes.map((p) => this.renderPane(p))}</div>
    `;
  }

  private toggleSide = (e: Event): void => {
    this.sideBySide = (e.target as HTMLInputElement).checked;
    this.requestUpdate();
  };

  private renderPane(pane: Pane) {
    const m = this.controller!.model;
    const list = this.transitions(pane);
    const current = list.length ? list[list.length - 1].to : 'CLOSED';
    const currentNode = list.length ? targetNode(list[list.length - 1].from, current) : 'CLOSED';
    const taken = new Set<string>();
    const extra: { t: Transition; cause: string; last: boolean }[] = [];
    list.forEach((t, k) => {
      const cause = this.cause(t);
      const e = figureEdge(t.from, t.to, cause);
      if (e) taken.add(`${e.from}>${e.to}`);
      else extra.push({ t, cause, last: k === list.length - 1 });
    });
    const last = list[list.length - 1];
    const lastCause = last ? this.cause(last) : '';
    const lastEdge = last ? figureEdge(last.from, last.to, lastCause) : null;
    const visited = new Set(list.flatMap((t) => [t.from, targetNode(t.from, t.to)]));
    const name = pane.conn >= 0 ? this.connName(pane.conn) : msg('states.listener');
    const hostName = m.hostNames[pane.host] ?? '';
    return html`
      <section class="pane" data-host=${hostName} data-conn=${pane.conn} data-state=${current} aria-label=${msg('states.paneLabel', { host: hostName, conn: name })}>
        <h3 class="pane-title">${hostName} <span class="conn">${name}</span></h3>
        <svg class="figure" viewBox="0 0 ${W} ${H}" width=${W} height=${H} role="img" aria-label=${msg('states.figureLabel', { host: hostName, state: current })}>
          <defs>
            <marker id="arrow" viewBox="0 0 8 8" refX="7" refY="4" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse">
              <path d="M0,0 L8,4 L0,8 z" class="arrowhead"></path>
            </marker>
          </defs>
          ${EDGES.map((e) => {
            const key = `${e.from}>${e.to}`;
            const isLast = !!lastEdge && lastEdge === e;
            const cls = `edge${taken.has(key) ? ' taken' : ''}${isLast ? ' last' : ''}`;
            const path = svg`<path class=${cls} d=${edgePath(e)} marker-end="url(#arrow)" data-edge=${key}></path>`;
            // The rule between event and action, as long as the longer of the two (estimated).
            const rw = Math.max(e.event.length, e.action.length) * RULE_CHAR;
            const rx = e.anchor === 'start' ? e.lx : e.anchor === 'end' ? e.lx - rw : e.lx - rw / 2;
            return svg`<g class=${cls}>
              ${isLast ? keyed(last!.event, path) : path}
              <text class="label ev" text-anchor=${e.anchor} x=${e.lx} y=${e.ly}>${e.event}</text>
              ${e.noRule ? nothing : svg`<line class="rule" x1=${rx} x2=${rx + rw} y1=${e.ly + 3.5} y2=${e.ly + 3.5}></line>`}
              <text class="label act" text-anchor=${e.anchor} x=${e.lx} y=${e.ly + (e.noRule ? 17 : 15)}>${e.action}</text>
            </g>`;
          })}
          ${extra.map(({ t, cause, last: isLast }) => {
            const { d, mx, my } = curve(node(t.from), node(targetNode(t.from, t.to)), 36);
            const path = svg`<path class="edge offfig${isLast ? ' last' : ''}" d=${d} marker-end="url(#arrow)" data-edge=${`${t.from}>${t.to}`}></path>`;
            return svg`<g class="offfig${isLast ? ' last' : ''}">
              ${isLast ? keyed(t.event, path) : path}
              <text class="label cause" text-anchor="middle" x=${mx} y=${my}>${cause || msg('states.notInFigure')}</text>
            </g>`;
          })}
          ${NODES.map((n) => {
            const label = n.id === 'CLOSED2' ? 'CLOSED' : n.id;
            const cls = `node${n.id === currentNode ? ' current' : ''}${visited.has(n.id) ? ' visited' : ''}`;
            return svg`<g class=${cls} data-state=${n.id}>
              <rect x=${n.x - NODE_W / 2} y=${n.y - NODE_H / 2} width=${NODE_W} height=${NODE_H} rx="5"><title>${this.explain(label)}</title></rect>
              <text class="state-name" x=${n.x} y=${n.y + 4}>${label}</text>
            </g>`;
          })}
        </svg>
        <p class="explain"><strong class="current-state">${current}</strong>: ${this.explain(current)}</p>
        ${last
          ? html`<p class="last-transition">${msg('states.last', { from: last.from, to: current, cause: lastCause || '—' })}${lastEdge ? '' : html` <em class="offfig-note">${msg('states.notInFigure')}</em>`}</p>`
          : nothing}
        <ol class="taken-list" aria-label=${msg('states.takenLabel')}>
          ${list.map((t) => html`<li>${formatTime(t.time)} ${t.from} → ${t.to}${this.cause(t) ? ` (${this.cause(t)})` : ''}</li>`)}
        </ol>
      </section>
    `;
  }

  private connName(conn: number): string {
    return this.names.get(conn) ?? `#${conn}`;
  }
}
