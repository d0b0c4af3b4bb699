import { LitElement, html, nothing } from 'lit';

import type { ClosedConnectionInfo, ConnectionInfo, PacketDetail, Playground, Snapshot } from '../../../api/playground';
import type { EngineController } from '../../engine/controller';
import { msg, type MessageKey } from '../../i18n';
import { eventsByConn, payloadOf, scanUdp, tcpView, type UdpPortLog, type ViewLine } from '../../model/socket-views';
import { errorField, errorMessage } from '../../util/params';
import { formatTime } from '../../util/time';
import { emit } from '../events';
import { styles } from './tp-sockets.styles';

/** Connection cards shown at most (the newest). */
const MAX_CARDS = 40;

/** The forms of the panel; each keeps its own values and its own error. */
type FormName = 'listen' | 'connect' | 'act' | 'bind' | 'udpSend';

interface FormError {
  message: string;
  field: string;
}

/** A port typed in a form: 1-65535 (0 too where `zeroOk`, an ephemeral port). */
function portOf(text: string, field: string, zeroOk = false): number {
  const t = text.trim();
  const n = /^[0-9]+$/.test(t) ? Number(t) : NaN;
  if (!(n >= (zeroOk ? 0 : 1) && n <= 65535)) {
    const e = new Error(`${field}: ${msg(zeroOk ? 'sockets.err.port0' : 'sockets.err.port', { got: text })}`) as Error & { errors: Array<{ path: string; message: string }> };
    e.errors = [{ path: field, message: e.message }];
    throw e;
  }
  return n;
}

/**
 * Socket controls: TCP listen, connect, send, read, shutdown, close and abort (timeline sockets by
 * name, any connection by id) and UDP bind, send (text or hex) and close, each acting on the live
 * engine through the controller (recorded, so it replays). Per socket, what its application sees,
 * from the snapshot and the trace. An action's error is shown under its form naming the field,
 * and the form keeps what was typed.
 *
 * @event tp-acted - an action ran (the playground refreshes its views)
 */
export class TpSockets extends LitElement {
  static override styles = styles;

  controller: EngineController | null = null;
  private snap: Snapshot | null = null;
  private lastTime = -1;
  private lastVersion = -1;
  /** Typed values by form and field: kept across refreshes and errors. */
  private values: Record<string, string> = {
    'listen.port': '8080', 'listen.name': 'web', 'connect.port': '8080', 'connect.name': 't1',
    'bind.port': '5000', 'bind.name': 'u1', 'udpSend.port': '9999', 'udpSend.data': 'hello',
    'act.data': 'hello', 'act.bytes': '65536',
  };
  private checks: Record<string, boolean> = { 'listen.autoRead': false, 'connect.autoRead': true, 'udpSend.hex': false };
  private errors: Partial<Record<FormName, FormError>> = {};
  private done: Partial<Record<FormName, string>> = {};
  /** The connection the action bar acts on: a timeline socket's name, or "#ID". */
  private selected = '';
  private udpLogs = new Map<string, UdpPortLog>();
  private udpScanned = 0;
  private udpEpoch = -1;
  private payloads = new Map<number, { text: string; hex: string }>();
  /** Event texts by trace index (an event's text never changes). */
  private texts = new Map<number, string>();

  private get pg(): Playground | null {
    return this.controller?.feed?.pg ?? null;
  }

  /** Takes a new snapshot when the run moved (or `force`). */
  refresh(force = false): void {
    const c = this.controller;
    if (!c?.lesson) return;
    if (!force && c.now === this.lastTime && c.model.version === this.lastVersion && this.snap) return;
    this.snap = c.feed.pg.snapshot();
    this.lastTime = c.now;
    this.lastVersion = c.model.version;
    this.scan();
    this.requestUpdate();
  }

  /** A new lesson: forget what was read. */
  reset(): void {
    this.snap = null;
    this.udpLogs.clear();
    this.udpScanned = 0;
    this.payloads.clear();
    this.texts.clear();
    this.selected = '';
    this.errors = {};
    this.done = {};
    this.refresh(true);
  }

  private scan(): void {
    const c = this.controller!;
    const m = c.model;
    if (m.epoch !== this.udpEpoch || this.udpScanned > m.n) {
      this.udpEpoch = m.epoch;
      this.texts.clear();
      this.udpLogs.clear();
      this.udpScanned = 0;
    }
    this.udpScanned = scanUdp(m, this.udpScanned, this.udpLogs, (id) => this.packet(id));
  }

  private packet(id: number): PacketDetail | null {
    try {
      return this.pg?.packet(id) ?? null;
    } catch {
      return null; // no longer retained
    }
  }

  private payload(id: number): { text: string; hex: string } {
    let p = this.payloads.get(id);
    if (!p) {
      const d = this.packet(id);
      p = d ? payloadOf(d) : { text: '', hex: '' };
      this.payloads.set(id, p);
    }
    return p;
  }

  private v(key: string): string {
    return this.values[key] ?? '';
  }

  private input(form: FormName, field: string, label: string, opts: { size?: number; placeholder?: string } = {}) {
    const key = `${form}.${field}`;
    const bad = this.errors[form]?.field === field;
    return html`<label class="field"
      ><span>${label}</span
      ><input
        class=${`in-${field}`}
        data-field=${key}
        size=${opts.size ?? 8}
        placeholder=${opts.placeholder ?? ''}
        aria-invalid=${bad ? 'true' : 'false'}
        .value=${this.v(key)}
        @input=${(e: Event) => (this.values[key] = (e.target as HTMLInputElement).value)}
        @keydown=${(e: KeyboardEvent) => {
          if (e.key === 'Enter') this.submit(form);
        }}
    /></label>`;
  }

  private check(form: FormName, field: string, label: string) {
    const key = `${form}.${field}`;
    return html`<label class="check"
      ><input type="checkbox" class=${`in-${field}`} .checked=${this.checks[key] ?? false} @change=${(e: Event) => (this.checks[key] = (e.target as HTMLInputElement).checked)} />${label}</label
    >`;
  }

  private hostSelect(form: FormName, field: string, label: string) {
    const key = `${form}.${field}`;
    const hosts = this.snap?.hosts.map((h) => h.name) ?? [];
    if (!hosts.includes(this.v(key))) this.values[key] = hosts[form === 'listen' ? hosts.length - 1 : 0] ?? '';
    return html`<label class="field"
      ><span>${label}</span
      ><select class=${`in-${field}`} .value=${this.v(key)} @change=${(e: Event) => (this.values[key] = (e.target as HTMLSelectElement).value)}>
        ${hosts.map((h) => html`<option value=${h} ?selected=${h === this.v(key)}>${h}</option>`)}
      </select></label
    >`;
  }

  /** Runs `f` on the engine through the controller; the form shows the error or what was done. */
  private run(form: FormName, f: (pg: Playground) => void, done: string): void {
    const c = this.controller;
    if (!c) return;
    try {
      c.act(f);
      delete this.errors[form];
      this.done[form] = done;
    } catch (e) {
      this.errors[form] = { message: errorMessage(e), field: errorField(e) };
      delete this.done[form];
    }
    this.refresh(true);
    emit(this, 'tp-acted', { action: form });
  }

  private submit(form: FormName, op = ''): void {
    const v = (k: string) => this.v(`${form}.${k}`).trim();
    try {
      switch (form) {
        case 'listen': {
          const port = portOf(v('port'), 'port');
          const name = v('name');
          return this.run(form, (pg) => pg.listen(v('host'), port, { ...(name ? { name } : {}), auto_read: this.checks['listen.autoRead'] }), msg('sockets.did.listen', { host: v('host'), port }));
        }
        case 'connect': {
          const port = portOf(v('port'), 'port');
          const to = v('to');
          return this.run(form, (pg) => pg.connect(v('host'), to, port, v('name'), { auto_read: this.checks['connect.autoRead'] }), msg('sockets.did.connect', { name: v('name'), to, port }));
        }
        case 'act':
          return this.act(op);
        case 'bind': {
          const port = portOf(v('port'), 'port', true);
          return this.run(form, (pg) => pg.udpBind(v('host'), port, v('name')), msg('sockets.did.bind', { name: v('name'), host: v('host') }));
        }
        case 'udpSend': {
          const port = portOf(v('port'), 'port');
          const data = this.v('udpSend.data');
          const hex = this.checks['udpSend.hex'];
          const socket = v('socket');
          return this.run(form, (pg) => pg.udpSend(socket, v('to'), port, hex ? { hex: data } : data), msg('sockets.did.udpSend', { socket, to: v('to'), port }));
        }
      }
    } catch (e) {
      this.errors[form] = { message: errorMessage(e), field: errorField(e) };
      delete this.done[form];
      this.requestUpdate();
    }
  }

  /** The action bar: one operation on the selected connection (by name, or by id). */
  private act(op: string): void {
    const sel = this.selected || this.connections()[0]?.ref || '';
    if (!sel) {
      this.errors.act = { message: msg('sockets.err.noSocket'), field: 'socket' };
      this.requestUpdate();
      return;
    }
    const ref: string | number = sel.startsWith('#') ? Number(sel.slice(1)) : sel;
    const label = typeof ref === 'number' ? `#${ref}` : ref;
    switch (op) {
      case 'send':
        return this.run('act', (pg) => pg.send(ref, this.v('act.data')), msg('sockets.did.send', { socket: label }));
      case 'read': {
        const t = this.v('act.bytes').trim();
        const n = /^[0-9]+$/.test(t) ? Number(t) : NaN;
        if (!(n >= 1)) {
          this.errors.act = { message: `bytes: ${msg('sockets.err.bytes', { got: t })}`, field: 'bytes' };
          this.requestUpdate();
          return;
        }
        return this.run('act', (pg) => pg.read(ref, n), msg('sockets.did.read', { socket: label }));
      }
      case 'shutdown':
        return this.run('act', (pg) => pg.shutdown(ref), msg('sockets.did.shutdown', { socket: label }));
      case 'close':
        return this.run('act', (pg) => pg.close(ref), msg('sockets.did.close', { socket: label }));
      case 'abort':
        return this.run('act', (pg) => pg.abort(ref), msg('sockets.did.abort', { socket: label }));
    }
  }

  /** Every connection, live then closed, with the reference the API takes (name or "#id"). */
  private connections(): Array<{ ref: string; live?: ConnectionInfo; closed?: ClosedConnectionInfo; id: number }> {
    const s = this.snap;
    if (!s) return [];
    const out = s.connections.map((c) => ({ ref: c.name || `#${c.id}`, live: c, id: c.id }));
    const closed = s.closed.map((c) => ({ ref: c.name || `#${c.id}`, closed: c, id: c.id }));
    return [...out, ...closed].sort((a, b) => a.id - b.id);
  }

  private line(l: ViewLine) {
    const when = Number.isNaN(l.time) ? msg('sockets.now') : formatTime(l.time);
    return html`<li class=${`seen k-${l.kind}`} data-kind=${l.kind}><span class="when">${when}</span> ${msg(l.key as MessageKey, l.params)}</li>`;
  }

  private tcpCards() {
    const c = this.controller;
    const list = this.connections();
    if (!c || !list.length) return html`<p class="empty">${msg('sockets.noConnections')}</p>`;
    const text = (i: number) => {
      const at = c.model.base + i;
      let t = this.texts.get(at);
      if (t === undefined) this.texts.set(at, (t = c.feed.eventText(at)));
      return t;
    };
    const current = this.selected || list[0].ref;
    const byConn = eventsByConn(c.model);
    // The newest connections (and the chosen one): a lesson may open thousands.
    const shown = list.length > MAX_CARDS ? list.filter((x, k) => k >= list.length - MAX_CARDS || x.ref === current) : list;
    return html`${shown.length < list.length ? html`<p class="muted">${msg('sockets.olderHidden', { n: list.length - shown.length })}</p>` : nothing}<ul class="cards">
      ${shown.map((x) => {
        const info = x.live ?? x.closed!;
        const view = tcpView(c.model, byConn.get(x.id) ?? [], x.live, x.closed, text);
        return html`<li
          class=${`card ${x.closed ? 'gone' : ''} ${x.ref === current ? 'chosen' : ''}`}
          data-conn=${x.id}
          data-name=${info.name}
          @click=${() => {
            this.selected = x.ref;
            this.requestUpdate();
          }}
        >
          <div class="head">
            <span class="name">${info.name || `#${x.id}`}</span>
            <span class="muted">#${x.id} ${info.host}</span>
            <span class="mono">${info.tuple}</span>
            <span class="state">${x.live ? x.live.state : msg('sockets.closedState', { reason: x.closed!.reason })}</span>
          </div>
          <ul class="view" aria-label=${msg('sockets.appSees')}>
            ${view.length ? view.map((l) => this.line(l)) : html`<li class="seen k-info">${msg('sockets.seen.nothing')}</li>`}
          </ul>
        </li>`;
      })}
    </ul>`;
  }

  private listeners() {
    const s = this.snap;
    if (!s) return nothing;
    const rows = s.hosts.flatMap((h) => h.listeners.map((l) => ({ host: h.name, ...l })));
    if (!rows.length) return nothing;
    return html`<ul class="listeners" aria-label=${msg('sockets.listeners')}>
      ${rows.map(
        (l) => html`<li data-port=${l.port}>
          <span class="mono">${l.host}:${l.port}</span> <span class="name">${l.name ?? ''}</span>
          <span class="muted">${msg('sockets.backlog', { backlog: l.backlog, pending: l.pending })}</span>
          ${l.name ? html`<button class="small close-listener" @click=${() => this.run('listen', (pg) => pg.close(l.name!), msg('sockets.did.close', { socket: l.name! }))}>${msg('sockets.close')}</button>` : nothing}
        </li>`,
      )}
    </ul>`;
  }

  private udpCards() {
    const s = this.snap;
    if (!s) return nothing;
    const rows = s.hosts.flatMap((h) => h.udp.map((u) => ({ host: h.name, hostIndex: h.index, ...u })));
    if (!rows.length) return html`<p class="empty">${msg('sockets.noUdp')}</p>`;
    return html`<ul class="cards udp">
      ${rows.map((u) => {
        const log = this.udpLogs.get(`${u.hostIndex}:${u.port}`);
        return html`<li class="card" data-udp=${u.name ?? ''} data-port=${u.port}>
          <div class="head">
            <span class="name">${u.name ?? msg('sockets.unnamed')}</span>
            <span class="mono">${u.host}:${u.port}</span>
            <span class="muted">${msg('sockets.udpCounts', { sent: u.sent, received: u.received, errors: u.errors })}</span>
            ${u.name ? html`<button class="small close-udp" @click=${() => this.run('bind', (pg) => pg.close(u.name!), msg('sockets.did.close', { socket: u.name! }))}>${msg('sockets.close')}</button>` : nothing}
          </div>
          <ul class="view" aria-label=${msg('sockets.appSees')}>
            ${(log?.last ?? []).map((d) => {
              const p = this.payload(d.packet);
              return html`<li class="seen k-data datagram" data-kind="datagram"><span class="when">${formatTime(d.time)}</span> ${msg('sockets.seen.datagram', { from: d.from, n: d.bytes })}
                  <span class="mono payload">"${p.text}"</span> <span class="mono hex">${p.hex}</span></li>`;
            })}
            ${log && log.count > log.last.length ? html`<li class="seen k-info">${msg('sockets.seen.more', { n: log.count - log.last.length })}</li>` : nothing}
            ${(log?.errors ?? []).map(
              (e) => html`<li class="seen k-error icmp" data-kind="icmp"><span class="when">${formatTime(e.time)}</span>
                  ${msg(e.code === 3 ? 'sockets.seen.icmpPort' : 'sockets.seen.icmpOther', { from: e.from, to: e.to, code: e.code })}
                  <span class="note">${msg('sockets.seen.icmpNote')}</span></li>`,
            )}
            ${!log?.last.length && !log?.errors.length ? html`<li class="seen k-info">${msg('sockets.seen.noDatagrams')}</li>` : nothing}
          </ul>
        </li>`;
      })}
    </ul>`;
  }

  private status(form: FormName) {
    const err = this.errors[form];
    if (err) return html`<p class="error" role="alert" data-form=${form}>${err.message}</p>`;
    const done = this.done[form];
    return done ? html`<p class="done" data-form=${form}>${done}</p>` : nothing;
  }

  override render() {
    const s = this.snap;
    if (!s) return html`<p class="empty">${msg('sockets.empty')}</p>`;
    const list = this.connections();
    const udpNames = s.hosts.flatMap((h) => h.udp.map((u) => u.name).filter((n): n is string => !!n));
    if (!udpNames.includes(this.v('udpSend.socket'))) this.values['udpSend.socket'] = udpNames[0] ?? '';
    if (!this.values['connect.to']) this.values['connect.to'] = s.hosts[s.hosts.length - 1]?.name ?? '';
    if (!this.values['udpSend.to']) this.values['udpSend.to'] = s.hosts[s.hosts.length - 1]?.name ?? '';
    const current = this.selected || list[0]?.ref || '';
    return html`
      <section class="tcp" aria-label=${msg('sockets.tcp')}>
        <h3>${msg('sockets.tcp')}</h3>
        <div class="form listen-form">
          ${this.hostSelect('listen', 'host', msg('sockets.host'))} ${this.input('listen', 'port', msg('sockets.port'), { size: 5 })}
          ${this.input('listen', 'name', msg('sockets.name'), { size: 6 })} ${this.check('listen', 'autoRead', msg('sockets.autoRead'))}
          <button class="do-listen" @click=${() => this.submit('listen')}>${msg('sockets.listen')}</button>
        </div>
        ${this.status('listen')}
        <div class="form connect-form">
          ${this.hostSelect('connect', 'host', msg('sockets.from'))} ${this.input('connect', 'to', msg('sockets.to'), { size: 9, placeholder: msg('sockets.toHint') })}
          ${this.input('connect', 'port', msg('sockets.port'), { size: 5 })} ${this.input('connect', 'name', msg('sockets.name'), { size: 5 })}
          ${this.check('connect', 'autoRead', msg('sockets.autoRead'))}
          <button class="do-connect" @click=${() => this.submit('connect')}>${msg('sockets.connect')}</button>
        </div>
        ${this.status('connect')} ${this.listeners()}
        <div class="form act-form">
          <label class="field"
            ><span>${msg('sockets.socket')}</span
            ><select
              class="in-socket"
              .value=${current}
              aria-invalid=${this.errors.act?.field === 'socket' || this.errors.act?.field === 'conn' ? 'true' : 'false'}
              @change=${(e: Event) => {
                this.selected = (e.target as HTMLSelectElement).value;
                this.requestUpdate();
              }}
            >
              ${list.map((x) => html`<option value=${x.ref} ?selected=${x.ref === current}>${x.ref} (${x.live?.host ?? x.closed?.host} ${x.live?.state ?? x.closed?.reason})</option>`)}
            </select></label
          >
          ${this.input('act', 'data', msg('sockets.text'), { size: 10 })}
          <button class="do-send" @click=${() => this.submit('act', 'send')}>${msg('sockets.send')}</button>
          ${this.input('act', 'bytes', msg('sockets.bytes'), { size: 5 })}
          <button class="do-read" @click=${() => this.submit('act', 'read')}>${msg('sockets.read')}</button>
          <button class="do-shutdown" title=${msg('sockets.shutdownHint')} @click=${() => this.submit('act', 'shutdown')}>${msg('sockets.shutdown')}</button>
          <button class="do-close" @click=${() => this.submit('act', 'close')}>${msg('sockets.close')}</button>
          <button class="do-abort" title=${msg('sockets.abortHint')} @click=${() => this.submit('act', 'abort')}>${msg('sockets.abort')}</button>
        </div>
        ${this.status('act')} ${this.tcpCards()}
      </section>
      <section class="udp" aria-label=${msg('sockets.udp')}>
        <h3>${msg('sockets.udp')}</h3>
        <div class="form bind-form">
          ${this.hostSelect('bind', 'host', msg('sockets.host'))} ${this.input('bind', 'port', msg('sockets.port0'), { size: 5 })}
          ${this.input('bind', 'name', msg('sockets.name'), { size: 5 })}
          <button class="do-bind" @click=${() => this.submit('bind')}>${msg('sockets.bind')}</button>
        </div>
        ${this.status('bind')}
        <div class="form udp-send-form">
          <label class="field"
            ><span>${msg('sockets.socket')}</span
            ><select class="in-socket" .value=${this.v('udpSend.socket')} aria-invalid=${this.errors.udpSend?.field === 'socket' ? 'true' : 'false'} @change=${(e: Event) => (this.values['udpSend.socket'] = (e.target as HTMLSelectElement).value)}>
              ${udpNames.map((n) => html`<option value=${n} ?selected=${n === this.v('udpSend.socket')}>${n}</option>`)}
            </select></label
          >
          ${this.input('udpSend', 'to', msg('sockets.to'), { size: 9, placeholder: msg('sockets.toHint') })} ${this.input('udpSend', 'port', msg('sockets.port'), { size: 5 })}
          ${this.input('udpSend', 'data', msg('sockets.data'), { size: 10 })} ${this.check('udpSend', 'hex', msg('sockets.hex'))}
          <button class="do-udp-send" @click=${() => this.submit('udpSend')}>${msg('sockets.send')}</button>
        </div>
        ${this.status('udpSend')} ${this.udpCards()}
      </section>
    `;
  }
}
