import { LitElement, html, nothing } from 'lit';

import type { ConnectionInfo, Snapshot } from '../../../api/playground';
import type { EngineController } from '../../engine/controller';
import { msg, type MessageKey } from '../../i18n';
import {
  ComposerForm, FieldError, FlagName, PRESETS, Preset, buildSegment, emptyForm, flagText, inWindowOffset, oddFlags,
  presetSeqAck, seqRel,
} from '../../model/crafted';
import { Verdict, readVerdict } from '../../model/verdict';
import { formatTime, parseTime } from '../../util/time';
import { emit } from '../events';
import { styles } from './tp-composer.styles';

const MAIN_FLAGS: FlagName[] = ['SYN', 'ACK', 'FIN', 'RST', 'PSH', 'URG'];
const MORE_FLAGS: FlagName[] = ['ECE', 'CWR'];

/** The last segment sent: where to look for what the receiver did. */
interface Sent {
  start: number;
  from: number;
  to: number;
  toName: string;
  flags: string;
  fromName: string;
  time: number;
}

/** The receiver's verdict in words (one line per fact). */
export function verdictLines(v: Verdict, host: string): string[] {
  const lines: string[] = [];
  const reason = (r: string) => {
    const key = `reason.${r}` as MessageKey;
    const text = msg(key);
    return text === key || !text ? r : `${text} [${r}]`;
  };
  switch (v.kind) {
    case 'pending':
      return [msg('verdict.pending', { host })];
    case 'lost':
      return [msg('verdict.lost', { where: v.where, reason: reason(v.reason) })];
    case 'accepted':
      lines.push(msg('verdict.accepted', { host }));
      break;
    case 'challenge':
      lines.push(msg('verdict.challenge', { host }));
      break;
    case 'rst':
      lines.push(msg('verdict.rst', { host }));
      break;
    case 'dropped':
      lines.push(msg('verdict.dropped', { host, reason: reason(v.reason) }));
      break;
  }
  if (v.kind === 'challenge' && v.reason) lines.push(msg('verdict.dropped', { host, reason: reason(v.reason) }));
  for (const [from, to] of v.states) lines.push(msg('verdict.state', { host, from, to }));
  if (v.dataTaken > 0) lines.push(msg('verdict.data', { n: v.dataTaken }));
  if (v.outOfOrder) lines.push(msg('verdict.outOfOrder'));
  for (const a of v.answers) lines.push(msg('verdict.answer', { host, flags: `[${a.flags}]`, tag: a.tag ? ` (${a.tag})` : '' }));
  if (v.delayedAck) lines.push(msg('verdict.delayedAck'));
  if (v.kind === 'accepted' && v.conn < 0 && !v.states.length) lines.push(msg('verdict.noConn'));
  return lines;
}

/** The verdict in a few words, for the ladder. */
export function verdictShort(v: Verdict): string {
  switch (v.kind) {
    case 'accepted':
      // A state change is written on the lifeline already.
      return v.outOfOrder ? msg('verdict.short.outOfOrder') : msg('verdict.short.accepted');
    case 'challenge':
      return msg('verdict.short.challenge');
    case 'rst':
      return msg('verdict.short.rst');
    case 'dropped':
      return msg('verdict.short.dropped', { reason: v.reason });
    case 'lost':
      return msg('verdict.short.lost', { reason: v.reason });
    default:
      return '';
  }
}

/**
 * The flag composer: a crafted TCP segment (flags with what each means, hosts, ports, seq/ack
 * from presets computed on the receiver's TCB, window, urgent pointer, options, payload as text
 * or hex), sent now or at a time through the API's inject() (so scenario() replays it), and what
 * the receiver did with it, read from the trace. Also each host's manual-mode switch.
 *
 * @event tp-acted - a live action went to the engine (its events are to be read)
 * @event tp-select - "inspect" the crafted packet (detail.event: model index of its packet_sent)
 */
export class TpComposer extends LitElement {
  static override styles = styles;

  controller: EngineController | null = null;
  private snap: Snapshot | null = null;
  private form: ComposerForm = emptyForm();
  private preset: Preset | null = 'exact';
  private connChoice = '';
  private errors: FieldError[] = [];
  private sent: Sent | null = null;
  private verdict: Verdict | null = null;
  private lastTime = -1;
  private lastVersion = -1;

  /** A new lesson: the form starts over. */
  reset(): void {
    this.form = emptyForm();
    this.preset = 'exact';
    this.connChoice = '';
    this.errors = [];
    this.sent = null;
    this.verdict = null;
    this.snap = null;
    this.lastTime = -1;
    this.lastVersion = -1;
    this.refresh();
  }

  /** Takes a snapshot when virtual time or the trace moved; re-reads the verdict. */
  refresh(): void {
    const c = this.controller;
    if (!c?.lesson) return;
    const now = c.now;
    if (now === this.lastTime && c.model.version === this.lastVersion && this.snap) return;
    this.lastTime = now;
    this.lastVersion = c.model.version;
    this.snap = c.feed.pg.snapshot();
    // Until a connection or ports are chosen, follow the first connection there is.
    if ((!this.form.from || (!this.form.srcPort && !this.form.dstPort && !this.connChoice)) && this.snap.hosts.length >= 2) this.defaultEnds();
    if (this.preset) this.applyPreset(this.preset, false);
    if (this.sent) this.verdict = readVerdict(c.model, this.sent.start, this.sent.from, this.sent.to);
    this.requestUpdate();
  }

  /** The verdict on the last segment sent (for the ladder's annotation). */
  get lastVerdict(): { verdict: Verdict; host: number; text: string } | null {
    if (!this.sent || !this.verdict || this.verdict.kind === 'pending') return null;
    return { verdict: this.verdict, host: this.sent.to, text: verdictShort(this.verdict) };
  }

  private defaultEnds(): void {
    const s = this.snap!;
    const conn = s.connections[0];
    if (conn) this.chooseConn(`${conn.id}:own`, false);
    else {
      this.form.from = s.hosts[0].name;
      this.form.to = s.hosts[1].name;
    }
  }

  private hostOfAddr(endpoint: string): string {
    const addr = endpoint.split(':')[0];
    return this.snap?.hosts.find((h) => h.addrs.includes(addr))?.name ?? addr;
  }

  private addrOf(host: string): string {
    return this.snap?.hosts.find((h) => h.name === host)?.addrs[0] ?? host;
  }

  /** The receiver's connection for the form's 4-tuple (at the "to" host), or null. */
  private receiver(): ConnectionInfo | null {
    const f = this.form;
    const local = `${this.addrOf(f.to)}:${f.dstPort.trim()}`;
    const remote = `${this.addrOf(f.from)}:${f.srcPort.trim()}`;
    return this.snap?.connections.find((c) => c.host === f.to && c.local === local && c.remote === remote) ?? null;
  }

  private suggested(): { seq: number; ack: number } | null {
    const f = this.form;
    const sp = Number(f.srcPort);
    const dp = Number(f.dstPort);
    if (!f.from || !f.to || !(sp >= 1 && sp <= 65535) || !(dp >= 1 && dp <= 65535)) return null;
    try {
      return this.controller!.feed.pg.suggestSeqAck(f.from, f.to, sp, dp);
    } catch {
      return null;
    }
  }

  private applyPreset(p: Preset, user = true): void {
    const sa = presetSeqAck(p, this.receiver(), this.suggested());
    if (user) this.preset = p;
    if (!sa) return;
    this.form.seq = String(sa.seq);
    this.form.ack = String(sa.ack);
    this.requestUpdate();
  }

  private chooseConn(value: string, user = true): void {
    this.connChoice = value;
    const [id, side] = value.split(':');
    const conn = this.snap?.connections.find((c) => String(c.id) === id);
    if (!conn) return;
    const [lp, rp] = [conn.local.split(':')[1], conn.remote.split(':')[1]];
    const peer = this.hostOfAddr(conn.remote);
    if (side === 'own') Object.assign(this.form, { from: conn.host, to: peer, srcPort: lp, dstPort: rp });
    else Object.assign(this.form, { from: peer, to: conn.host, srcPort: rp, dstPort: lp });
    this.preset = 'exact';
    this.applyPreset('exact', user);
    this.requestUpdate();
  }

  private setManual(host: string, on: boolean): void {
    const c = this.controller;
    if (!c) return;
    try {
      c.feed.pg.setManual(host, on);
      this.errors = [];
    } catch (e) {
      this.errors = [{ field: 'manual', message: msg('composer.err.engine', { message: e instanceof Error ? e.message : String(e) }) }];
    }
    emit(this, 'tp-acted', { action: 'manual' });
    this.lastTime = -1;
    this.refresh();
  }

  private send(): void {
    const c = this.controller;
    if (!c) return;
    const built = buildSegment(this.form);
    const errors = built.errors.slice();
    let at = NaN;
    if (this.form.when === 'at') {
      at = parseTime(this.form.at);
      if (!(at >= c.now) || at > c.duration) errors.push({ field: 'at', message: msg('composer.err.time', { now: formatTime(c.now), value: this.form.at }) });
    }
    this.errors = errors;
    if (errors.length || !built.spec) {
      this.requestUpdate();
      return;
    }
    const pg = c.feed.pg;
    let spec = built.spec;
    try {
      // "At time T": run to T, then send (recorded at T, so scenario() replays it there), with
      // the preset's seq/ack taken from the receiver's TCB at T.
      if (!Number.isNaN(at) && at > c.now) {
        c.pause();
        c.seek(at);
        c.finishSeek();
        this.snap = pg.snapshot();
        if (this.preset) {
          this.applyPreset(this.preset, false);
          spec = buildSegment(this.form).spec ?? spec;
        }
      }
      const start = c.feed.feed(0, 1).end;
      pg.inject(spec);
      const hosts = c.model.hostNames;
      this.sent = {
        start, from: hosts.indexOf(this.form.from), to: hosts.indexOf(this.form.to), toName: this.form.to, fromName: this.form.from,
        flags: flagText(this.form.flags), time: c.now,
      };
      this.verdict = null;
    } catch (e) {
      this.errors = [{ field: 'engine', message: msg('composer.err.engine', { message: e instanceof Error ? e.message : String(e) }) }];
    }
    emit(this, 'tp-acted', { action: 'inject' });
    this.lastTime = -1;
    this.requestUpdate();
  }

  // --- rendering -------------------------------------------------------------------------------

  private err(field: string) {
    return this.errors.some((e) => e.field === field) ? 'true' : 'false';
  }

  private text(field: 'srcPort' | 'dstPort' | 'window' | 'urgent', label: string, cls = '') {
    return html`<label class=${`field ${cls}`}>${label}
      <input type="text" class=${field} spellcheck="false" aria-invalid=${this.err(field)} .value=${this.form[field]}
        @input=${(e: Event) => (this.form[field] = (e.target as HTMLInputElement).value)}
        @change=${() => {
          this.connChoice = '';
          if (this.preset && (field === 'srcPort' || field === 'dstPort')) this.applyPreset(this.preset);
          this.requestUpdate();
        }} />
    </label>`;
  }

  private hostSelect(field: 'from' | 'to', label: string) {
    const hosts = this.snap?.hosts ?? [];
    return html`<label class="field">${label}
      <select class=${field} aria-invalid=${this.err(field)} @change=${(e: Event) => {
        this.form[field] = (e.target as HTMLSelectElement).value;
        this.connChoice = '';
        if (this.preset) this.applyPreset(this.preset);
        this.requestUpdate();
      }}>
        ${hosts.map((h) => html`<option value=${h.name} ?selected=${h.name === this.form[field]}>${h.name} (${h.addrs[0] ?? ''})</option>`)}
      </select>
    </label>`;
  }

  private flag(f: FlagName) {
    return html`<label class="flag" title=${msg(`composer.flag.${f}` as MessageKey)}>
      <input type="checkbox" class="flag-input" data-flag=${f} .checked=${this.form.flags.has(f)} @change=${(e: Event) => {
        if ((e.target as HTMLInputElement).checked) this.form.flags.add(f);
        else this.form.flags.delete(f);
        this.requestUpdate();
      }} />
      <span class="flag-name">${f}</span> <span class="flag-help">${msg(`composer.flag.${f}` as MessageKey)}</span>
    </label>`;
  }

  private rel(kind: 'seq' | 'ack') {
    const r = this.receiver();
    const v = Number(this.form[kind]);
    if (!r || this.form[kind].trim() === '' || !Number.isFinite(v)) return msg('composer.relativeNone');
    if (kind === 'seq' && (r.state === 'SYN_SENT' || r.state === 'LISTEN')) return msg('composer.relativeNone');
    return msg('composer.relative', { n: seqRel(v, kind === 'seq' ? r.irs : r.iss) });
  }

  private receiverLine() {
    const r = this.receiver();
    if (!r) return html`<p class="receiver muted">${msg('composer.noReceiver', { host: this.form.to })} ${msg('composer.presetNoTcb')}</p>`;
    const synSent = r.state === 'SYN_SENT';
    return html`<p class="receiver muted">${msg('composer.receiver', {
      host: r.host, conn: r.id, state: r.state, rcvNxt: synSent ? '—' : seqRel(r.rcv_nxt, r.irs), rcvWnd: r.rcv_wnd,
      sndUna: seqRel(r.snd_una, r.iss), sndNxt: seqRel(r.snd_nxt, r.iss),
    })}</p>`;
  }

  private presetHelp() {
    if (!this.preset) return nothing;
    const r = this.receiver();
    return html`<p class="preset-help muted">${msg(`composer.presetHelp.${this.preset}` as MessageKey, { d: inWindowOffset(r?.rcv_wnd ?? 2000) })}</p>`;
  }

  private connOptions() {
    const conns = this.snap?.connections ?? [];
    return html`<label class="field wide">${msg('composer.conn')}
      <select class="conn" @change=${(e: Event) => this.chooseConn((e.target as HTMLSelectElement).value)}>
        <option value="" ?selected=${!this.connChoice}>${msg('composer.connNone')}</option>
        ${conns.map((c) => {
          const own = `${c.id}:own`;
          const peer = `${c.id}:peer`;
          return html`<option value=${own} ?selected=${this.connChoice === own}>${msg('composer.connFrom', { host: c.host, tuple: `#${c.id} ${c.local} > ${c.remote} ${c.state}` })}</option>
            <option value=${peer} ?selected=${this.connChoice === peer}>${msg('composer.connPeer', { host: c.host, tuple: `${c.remote} > ${c.local}` })}</option>`;
        })}
      </select>
    </label>`;
  }

  private options() {
    const f = this.form;
    const toggle = (obj: { on: boolean }) => (e: Event) => {
      obj.on = (e.target as HTMLInputElement).checked;
      this.requestUpdate();
    };
    const input = (cls: string, get: () => string, set: (v: string) => void, label: string) =>
      html`<input type="text" class=${cls} aria-label=${label} aria-invalid=${this.err(cls)} spellcheck="false" .value=${get()} @input=${(e: Event) => set((e.target as HTMLInputElement).value)} />`;
    return html`<fieldset class="options"><legend>${msg('composer.options')}</legend>
      <label class="opt"><input type="checkbox" class="opt-mss" .checked=${f.mss.on} @change=${toggle(f.mss)} /> ${msg('composer.opt.mss')}</label>
      ${input('mss', () => f.mss.value, (v) => (f.mss.value = v), msg('composer.opt.mss'))}
      <label class="opt"><input type="checkbox" class="opt-wscale" .checked=${f.wscale.on} @change=${toggle(f.wscale)} /> ${msg('composer.opt.wscale')}</label>
      ${input('wscale', () => f.wscale.value, (v) => (f.wscale.value = v), msg('composer.opt.wscale'))}
      <label class="opt span"><input type="checkbox" class="opt-sackperm" .checked=${f.sackPerm} @change=${(e: Event) => { f.sackPerm = (e.target as HTMLInputElement).checked; this.requestUpdate(); }} /> ${msg('composer.opt.sackPerm')}</label>
      <label class="opt"><input type="checkbox" class="opt-sack" .checked=${f.sack.on} @change=${toggle(f.sack)} /> ${msg('composer.opt.sack')}</label>
      ${input('sack', () => f.sack.value, (v) => (f.sack.value = v), msg('composer.opt.sack'))}
      <label class="opt"><input type="checkbox" class="opt-ts" .checked=${f.ts.on} @change=${toggle(f.ts)} /> ${msg('composer.opt.ts')}</label>
      <span class="pair">${input('tsval', () => f.ts.val, (v) => (f.ts.val = v), 'TSval')} ${input('tsecr', () => f.ts.ecr, (v) => (f.ts.ecr = v), 'TSecr')}</span>
    </fieldset>`;
  }

  private right() {
    const s = this.sent;
    const v = this.verdict;
    return html`<div class="side">
      <div class="when">
        <span class="label">${msg('composer.when')}</span>
        <label><input type="radio" name="when" class="when-now" .checked=${this.form.when === 'now'} @change=${() => { this.form.when = 'now'; this.requestUpdate(); }} /> ${msg('composer.now')}</label>
        <label><input type="radio" name="when" class="when-at" .checked=${this.form.when === 'at'} @change=${() => { this.form.when = 'at'; this.requestUpdate(); }} /> ${msg('composer.at')}</label>
        <input type="text" class="at" aria-label=${msg('composer.at')} placeholder=${msg('composer.atHint')} aria-invalid=${this.err('at')} .value=${this.form.at}
          @input=${(e: Event) => { this.form.at = (e.target as HTMLInputElement).value; this.form.when = 'at'; this.requestUpdate(); }} />
      </div>
      <button class="send" @click=${this.send}>${msg('composer.send')} ${flagText(this.form.flags)}</button>
      ${oddFlags(this.form.flags) ? html`<p class="odd">${msg('composer.odd', { flags: flagText(this.form.flags) })}</p>` : nothing}
      ${this.errors.length ? html`<ul class="errors" role="alert">${this.errors.map((e) => html`<li data-field=${e.field}>${e.message}</li>`)}</ul>` : nothing}
      <section class="verdict" aria-live="polite">
        <h3>${msg('composer.verdict')}</h3>
        ${s ? html`<p class="sent muted">${msg('composer.sent', { flags: s.flags, from: s.fromName, time: formatTime(s.time) })}</p>` : nothing}
        ${v && v.sentEvent >= 0 ? html`<button class="inspect" @click=${() => emit(this, 'tp-select', { event: v.sentEvent, source: 'log' })}>${msg('composer.inspect')}</button>` : nothing}
        ${s && v
          ? html`<ul class=${`verdict-lines kind-${v.kind}`} data-kind=${v.kind}>${verdictLines(v, s.toName).map((l) => html`<li>${l}</li>`)}</ul>`
          : html`<p class="muted">${msg('composer.verdictNone')}</p>`}
      </section>
      <p class="muted small">${msg('composer.recorded')}</p>
    </div>`;
  }

  override render() {
    if (!this.controller?.lesson || !this.snap) return html`<p class="empty">${msg('composer.empty')}</p>`;
    const f = this.form;
    return html`<div class="composer" role="form" aria-label=${msg('composer.label')}>
      <div class="main">
        ${this.connOptions()}
        <div class="row">${this.hostSelect('from', msg('composer.from'))} ${this.text('srcPort', msg('composer.srcPort'), 'port')}
          ${this.hostSelect('to', msg('composer.to'))} ${this.text('dstPort', msg('composer.dstPort'), 'port')}</div>
        <div class="manual-row">
          <span class="label">${msg('composer.manual')}:</span>
          ${this.snap.hosts.map(
            (h) => html`<label><input type="checkbox" class="manual" data-host=${h.name} .checked=${h.manual} @change=${(e: Event) => this.setManual(h.name, (e.target as HTMLInputElement).checked)} /> ${h.name}</label>`,
          )}
          <span class="muted small">${msg('composer.manualHelp')}</span>
        </div>
        <fieldset class="flags"><legend>${msg('composer.flags')}</legend>
          ${MAIN_FLAGS.map((fl) => this.flag(fl))}
          <details><summary>${msg('composer.more')}</summary>${MORE_FLAGS.map((fl) => this.flag(fl))}</details>
          <p class="muted small">${msg('composer.flagDot')}</p>
        </fieldset>
        <div class="row seqack">
          <label class="field">${msg('composer.seq')}
            <input type="text" class="seq" spellcheck="false" aria-invalid=${this.err('seq')} .value=${f.seq} @input=${(e: Event) => { f.seq = (e.target as HTMLInputElement).value; this.preset = null; this.requestUpdate(); }} />
            <span class="rel seq-rel">${this.rel('seq')}</span></label>
          <label class="field">${msg('composer.ack')}
            <input type="text" class="ack" spellcheck="false" aria-invalid=${this.err('ack')} .value=${f.ack} @input=${(e: Event) => { f.ack = (e.target as HTMLInputElement).value; this.preset = null; this.requestUpdate(); }} />
            <span class="rel ack-rel">${this.rel('ack')}</span></label>
        </div>
        <div class="presets" role="group" aria-label=${msg('composer.presets')}>
          <span class="label">${msg('composer.presets')}</span>
          ${PRESETS.map((p) => html`<button class="preset" data-preset=${p} aria-pressed=${this.preset === p ? 'true' : 'false'} @click=${() => this.applyPreset(p)}>${msg(`composer.preset.${p}` as MessageKey)}</button>`)}
        </div>
        ${this.presetHelp()} ${this.receiverLine()}
        <div class="row">${this.text('window', msg('composer.window'), 'port')} ${this.text('urgent', msg('composer.urgent'), 'port')}</div>
        ${this.options()}
        <fieldset class="payload"><legend>${msg('composer.payload')}</legend>
          <label><input type="radio" name="pmode" class="pmode-text" .checked=${f.payloadMode === 'text'} @change=${() => { f.payloadMode = 'text'; this.requestUpdate(); }} /> ${msg('composer.payloadText')}</label>
          <label><input type="radio" name="pmode" class="pmode-hex" .checked=${f.payloadMode === 'hex'} @change=${() => { f.payloadMode = 'hex'; this.requestUpdate(); }} /> ${msg('composer.payloadHex')}</label>
          <textarea class="payload-input" rows="2" spellcheck="false" aria-label=${msg('composer.payload')} aria-invalid=${this.err('payload')}
            placeholder=${f.payloadMode === 'hex' ? msg('composer.payloadHint') : ''} .value=${f.payload}
            @input=${(e: Event) => (f.payload = (e.target as HTMLTextAreaElement).value)}></textarea>
        </fieldset>
      </div>
      ${this.right()}
    </div>`;
  }
}

