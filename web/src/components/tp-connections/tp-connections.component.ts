import { LitElement, html, nothing } from 'lit';

import type { ComponentInfo, ConnectionInfo, Snapshot } from '../../../api/playground';
import type { EngineController } from '../../engine/controller';
import { msg } from '../../i18n';
import { formatDuration, formatTime } from '../../util/time';
import { emit } from '../events';
import { styles } from './tp-connections.styles';

/** Sequence-number distance a - b modulo 2^32 (relative numbers, as Wireshark shows them). */
function rel(a: number, b: number): number {
  return (a - b + 2 ** 32) % 2 ** 32;
}

interface Idle {
  box: string;
  kind: string;
  what: string;
  state: string;
  deadline: number | null;
}

/** Balancer flows and proxy connections with their idle deadlines, from the components' state. */
function idleRows(components: ComponentInfo[]): Idle[] {
  const out: Idle[] = [];
  for (const c of components) {
    const s = c.state as Record<string, unknown> | undefined;
    if (!s) continue;
    const list = (k: string) => (Array.isArray(s[k]) ? (s[k] as Record<string, unknown>[]) : []);
    for (const f of list('flows'))
      out.push({ box: c.name, kind: msg('conns.flow'), what: `${f.client} → ${f.target}`, state: String(f.protocol ?? ''), deadline: (f.idle_deadline_ns as number | null) ?? null });
    for (const f of list('client_connections'))
      out.push({ box: c.name, kind: msg('conns.clientConn'), what: `#${f.conn} ${f.client}`, state: String(f.state ?? ''), deadline: (f.idle_deadline_ns as number | null) ?? null });
    for (const f of list('target_connections'))
      out.push({ box: c.name, kind: msg('conns.targetConn'), what: `#${f.conn} → ${f.target}`, state: String(f.state ?? ''), deadline: (f.idle_deadline_ns as number | null) ?? null });
  }
  return out;
}

/**
 * Every connection of every host (from the engine's snapshot): 4-tuple, state, relative
 * SND.UNA/SND.NXT/RCV.NXT, windows, cwnd/ssthresh, SRTT/RTO and armed timers counting down in
 * virtual time; closed connections greyed with how they ended; balancer flows and proxy
 * connections with their idle deadlines.
 *
 * @event tp-conn - a connection row was chosen (detail.conn)
 */
export class TpConnections extends LitElement {
  static override styles = styles;

  controller: EngineController | null = null;
  private snap: Snapshot | null = null;
  private lastRefresh = -1;
  private lastTime = -1;
  /** Wall time the last snapshot took (ms), for the frame budget. */
  snapshotMs = 0;

  /** Takes a new snapshot when virtual time moved; while `busy`, at most every 250 ms of wall time. */
  refresh(busy = false): void {
    const c = this.controller;
    if (!c?.lesson) return;
    const now = c.now;
    const wall = performance.now();
    if (now === this.lastTime && this.snap) return;
    if (busy && wall - this.lastRefresh < 250) return;
    const t0 = performance.now();
    this.snap = c.feed.pg.snapshot();
    this.snapshotMs = performance.now() - t0;
    this.lastRefresh = wall;
    this.lastTime = now;
    this.requestUpdate();
  }

  /** Forgets the last snapshot (a new lesson). */
  reset(): void {
    this.snap = null;
    this.lastTime = -1;
    this.refresh();
  }

  /** Names by connection id ("c1 10.0.0.1:40000 > 10.0.0.2:80"), for the state diagram. */
  names(): Map<number, string> {
    const out = new Map<number, string>();
    for (const c of this.snap?.connections ?? []) out.set(c.id, `${c.name || `#${c.id}`} ${c.tuple}`);
    for (const c of this.snap?.closed ?? []) out.set(c.id, `${c.name || `#${c.id}`} ${c.tuple}`);
    return out;
  }

  private choose(conn: number): void {
    emit(this, "tp-conn", { conn });
  }

  private countdown(deadline: number | null, now: number): string {
    if (deadline === null || deadline < 0) return '—';
    return msg('conns.left', { left: formatDuration(Math.max(0, deadline - now)) });
  }

  private timers(c: ConnectionInfo, now: number) {
    if (!c.timers.length) return '—';
    return html`${c.timers.map((t) => html`<span class="timer" data-timer=${t.name} data-deadline=${t.deadline_ns}>${t.name} <span class="left">${this.countdown(t.deadline_ns, now)}</span></span>`)}`;
  }

  /** The first cell: name and host, then the 4-tuple on two lines (local, then remote). */
  private who(c: { id: number; name: string; host: string; tuple: string }) {
    const [local, remote] = c.tuple.split(' > ');
    return html`<td class="who"><span class="name">${c.name || `#${c.id}`}</span> <span class="host">${c.host}</span>
      <span class="line mono">${local}</span>${remote !== undefined ? html`<span class="line mono">&gt; ${remote}</span>` : nothing}</td>`;
  }

  /** Values stacked one per line, each with its short name (a two- or three-line cell). */
  private pairs(list: Array<[string, string | number]>) {
    return list.map(([k, v]) => html`<span class="line mono"><span class="key">${k}</span> ${v}</span>`);
  }

  override render() {
    const s = this.snap;
    if (!s) return html`<p class="empty">${msg('conns.empty')}</p>`;
    const now = s.time_ns;
    const idle = idleRows(s.components);
    return html`
      <table class="conns" aria-label=${msg('conns.label')}>
        <thead>
          <tr>
            <th>${msg('conns.conn')}</th><th>${msg('conns.state')}</th>
            <th title="SND.UNA / SND.NXT / RCV.NXT">${msg('conns.seq')}</th><th>${msg('conns.windows')}</th>
            <th>${msg('conns.cwnd')}</th><th>${msg('conns.rtt')}</th><th>${msg('conns.timers')}</th>
          </tr>
        </thead>
        <tbody>
          ${s.connections.map(
            (c) => html`<tr class="live" data-conn=${c.id} data-state=${c.state} @click=${() => this.choose(c.id)}>
              ${this.who(c)}<td class="state">${c.state}</td>
              <td>${this.pairs([
                ['SND.UNA', rel(c.snd_una, c.iss)],
                ['SND.NXT', rel(c.snd_nxt, c.iss)],
                ['RCV.NXT', c.state === 'SYN_SENT' || c.state === 'LISTEN' ? '—' : rel(c.rcv_nxt, c.irs)],
              ])}</td>
              <td>${this.pairs([[msg('conns.snd'), c.snd_wnd], [msg('conns.rcv'), c.rcv_wnd]])}</td>
              <td>${this.pairs([['cwnd', c.cwnd], ['ssthresh', c.ssthresh >= 2 ** 31 ? '∞' : c.ssthresh]])}</td>
              <td>${this.pairs([['SRTT', c.srtt_ns > 0 ? formatDuration(c.srtt_ns) : '—'], ['RTO', formatDuration(c.rto_ns)]])}</td>
              <td class="timers">${this.timers(c, now)}</td>
            </tr>`,
          )}
          ${s.closed.map(
            (c) => html`<tr class="closed" data-conn=${c.id} data-reason=${c.reason} @click=${() => this.choose(c.id)}>
              ${this.who(c)}
              <td class="state" colspan="6">${msg('conns.closed', { reason: c.reason, time: formatTime(c.closed_at_ns) })}</td>
            </tr>`,
          )}
        </tbody>
      </table>
      ${idle.length
        ? html`<h3>${msg('conns.idleTitle')}</h3>
            <table class="idle" aria-label=${msg('conns.idleTitle')}>
              <thead><tr><th>${msg('conns.box')}</th><th>${msg('conns.kind')}</th><th>${msg('conns.what')}</th><th>${msg('conns.state')}</th><th>${msg('conns.idleDeadline')}</th></tr></thead>
              <tbody>
                ${idle.map((r) => html`<tr data-box=${r.box}><td>${r.box}</td><td>${r.kind}</td><td class="mono">${r.what}</td><td>${r.state}</td><td class="deadline">${this.countdown(r.deadline, now)}</td></tr>`)}
              </tbody>
            </table>`
        : nothing}
      <p class="note">${msg('conns.note', { time: formatTime(now) })}</p>
    `;
  }
}
