import { LitElement, html, nothing } from 'lit';

import type { ParamDef, Playground, Snapshot, TcpParamValues } from '../../../api/playground';
import type { EngineController } from '../../engine/controller';
import { Kind } from '../../engine/feed';
import { msg, type MessageKey } from '../../i18n';
import { checkParam, defaultText, errorMessage, groupParams, parseDuration, rangeText, sameValue } from '../../util/params';
import { formatTime } from '../../util/time';
import { componentFieldText } from '../tp-topology/tp-topology.format';
import { emit } from '../events';
import { styles } from './tp-timeouts.styles';

const PROFILES = ['rfc', 'linux', 'windows'] as const;

/** The study note's three timeouts (seed-note-ko.md, "Timeout"), with the parameters behind each. */
const THREE: Array<{ key: 'connection' | 'socket' | 'idle'; params: string[] }> = [
  { key: 'connection', params: ['connect_timeout', 'syn_retries', 'rto_initial'] },
  { key: 'socket', params: ['user_timeout', 'idle_timeout', 'data_retries'] },
  { key: 'idle', params: ['keepalive', 'keepalive_idle', 'keepalive_interval', 'keepalive_count', 'idle_timeout'] },
];

/** How a timer is called in the panel's messages (RFC names where there are). */
function timerName(name: string): string {
  const known = ['time_wait', 'fin_wait_2', 'connect', 'delayed_ack', 'keepalive', 'idle'];
  return known.includes(name) ? msg(`timeouts.timer.${name}` as MessageKey) : name;
}

/** ns -> the shortest text the engine reads back ("60s", "40ms", "0s"). */
function durationText(ns: number): string {
  if (ns % 1e9 === 0) return `${ns / 1e9}s`;
  if (ns % 1e6 === 0) return `${ns / 1e6}ms`;
  if (ns % 1e3 === 0) return `${ns / 1e3}us`;
  return `${ns}ns`;
}

/** A value as the panel shows it: durations in s/ms ("240s" rather than "4min"). */
function show(def: ParamDef, v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (def.type === 'duration') {
    const ns = parseDuration(String(v));
    return Number.isNaN(ns) ? String(v) : durationText(ns);
  }
  return String(v);
}

/**
 * Timeouts and parameters: the study note's three timeouts (connection, socket, idle) with the
 * parameters behind each, then every TCP parameter of the catalogue, grouped, for a host (its
 * defaults: new connections) or one live connection: value, unit, range, each profile's default
 * beside it, input checked against the catalogue. A profile picker per host sets them all at
 * once. Every change is live (recorded, so it replays), and the panel says what it did: a timer
 * the change moved ("TIME_WAIT now ends at 8.005 s"), or who gets the new value.
 *
 * @event tp-acted - a change ran (the playground refreshes its views)
 */
export class TpTimeouts extends LitElement {
  static override styles = styles;

  controller: EngineController | null = null;
  private catalogue: ParamDef[] = [];
  private snap: Snapshot | null = null;
  private lastTime = -1;
  private lastVersion = -1;
  /** "host:NAME" or "conn:ID". */
  private scope = '';
  /** Text typed into a parameter's box, kept until applied (and on an error). */
  private drafts = new Map<string, string>();
  private errors = new Map<string, string>();
  private result = '';
  private resultParam = '';
  private doc: { apps?: Array<Record<string, unknown>>; middleboxes?: Array<Record<string, unknown>> } | null = null;

  refresh(force = false): void {
    const c = this.controller;
    if (!c?.lesson) return;
    if (!force && c.now === this.lastTime && c.model.version === this.lastVersion && this.snap) return;
    if (!this.catalogue.length) this.catalogue = c.feed.pg.parameters();
    this.snap = c.feed.pg.snapshot();
    this.lastTime = c.now;
    this.lastVersion = c.model.version;
    this.requestUpdate();
  }

  reset(): void {
    this.snap = null;
    this.doc = null;
    this.scope = '';
    this.drafts.clear();
    this.errors.clear();
    this.result = '';
    this.refresh(true);
  }

  /** Chooses what the panel edits: `host:NAME` or `conn:ID` (for tests and the connection table). */
  choose(scope: string): void {
    this.scope = scope;
    this.drafts.clear();
    this.errors.clear();
    this.requestUpdate();
  }

  private tcpDefs(): ParamDef[] {
    return this.catalogue.filter((d) => d.scope === 'tcp');
  }

  /** The scope now, falling back to the first host when a connection has gone. */
  private current(): { kind: 'host' | 'conn'; name: string; id: number; host: string; values: TcpParamValues; profile: string } | null {
    const s = this.snap;
    if (!s?.hosts.length) return null;
    if (this.scope.startsWith('conn:')) {
      const id = Number(this.scope.slice(5));
      const conn = s.connections.find((c) => c.id === id);
      if (conn) {
        const host = s.hosts.find((h) => h.name === conn.host);
        return { kind: 'conn', name: conn.name || `#${id}`, id, host: conn.host, values: conn.params, profile: host?.profile ?? 'rfc' };
      }
    }
    const name = this.scope.startsWith('host:') ? this.scope.slice(5) : '';
    const host = s.hosts.find((h) => h.name === name) ?? s.hosts[0];
    return { kind: 'host', name: host.name, id: -1, host: host.name, values: host.tcp, profile: host.profile };
  }

  /** Runs a change through the controller; the result line says what it did. */
  private apply(param: string, f: (pg: Playground) => void, words: () => string): void {
    const c = this.controller;
    if (!c) return;
    let first: number;
    try {
      first = c.act(f);
    } catch (e) {
      this.errors.set(param, errorMessage(e));
      this.result = '';
      this.requestUpdate();
      return;
    }
    this.errors.delete(param);
    this.drafts.delete(param);
    this.resultParam = param;
    this.result = [words(), ...this.timerEffects(first)].join(' ');
    this.refresh(true);
    emit(this, 'tp-acted', { action: 'timeouts' });
  }

  /** What the change did to armed timers: the timer_set (param_change) and timer_fired it traced. */
  private timerEffects(first: number): string[] {
    const c = this.controller!;
    const m = c.model;
    const out: string[] = [];
    for (let i = first; i < m.n; ++i) {
      const kind = m.cols.kind[i];
      const name = m.label(m.cols.name[i]);
      const timer = timerName(name);
      if (kind === Kind.TimerSet && c.feed.eventText(m.base + i) === 'param_change') out.push(msg('timeouts.timerMoved', { timer, time: formatTime(m.cols.deadline[i]) }));
      else if (kind === Kind.TimerFired) out.push(msg('timeouts.timerFired', { timer, time: formatTime(m.cols.time[i]) }));
      else if (kind === Kind.TimerCancelled) out.push(msg('timeouts.timerCancelled', { timer }));
    }
    return out;
  }

  private set(def: ParamDef, raw: string | boolean): void {
    const cur = this.current();
    if (!cur) return;
    const checked = checkParam(def, raw);
    if (!checked.ok) {
      this.errors.set(def.name, checked.error);
      this.result = '';
      this.requestUpdate();
      return;
    }
    const value = checked.value;
    const shown = show(def, value);
    if (cur.kind === 'host')
      this.apply(def.name, (pg) => pg.setTcp(cur.name, def.name, value), () => msg('timeouts.setHost', { host: cur.name, param: def.name, value: shown }));
    else
      this.apply(def.name, (pg) => pg.setOption(cur.id, def.name, value), () => msg('timeouts.setConn', { conn: cur.name, param: def.name, value: shown }));
  }

  private setProfile(host: string, profile: string): void {
    this.apply('profile', (pg) => pg.setProfile(host, profile), () => msg('timeouts.profileSet', { host, profile }));
  }

  /** One parameter: name, description, value box, unit, range, the three profiles' defaults. */
  private row(def: ParamDef, values: TcpParamValues, profile: string) {
    const value = values[def.name];
    const err = this.errors.get(def.name);
    const changed = !sameValue(def, value, (def.defaults as Record<string, unknown>)[profile]);
    const onText = (e: Event) => this.drafts.set(def.name, (e.target as HTMLInputElement).value);
    const box =
      def.type === 'boolean'
        ? html`<input type="checkbox" class="value" aria-label=${def.name} .checked=${value === true || value === 'true'} @change=${(e: Event) => this.set(def, (e.target as HTMLInputElement).checked)} />`
        : def.type === 'choice'
          ? html`<select class="value" aria-label=${def.name} .value=${String(value)} @change=${(e: Event) => this.set(def, (e.target as HTMLSelectElement).value)}>
              ${(def.choices ?? []).map((ch) => html`<option value=${ch} ?selected=${ch === String(value)}>${ch}</option>`)}
            </select>`
          : html`<input
              class="value"
              aria-label=${def.name}
              aria-invalid=${err ? 'true' : 'false'}
              .value=${this.drafts.get(def.name) ?? show(def, value)}
              @input=${onText}
              @keydown=${(e: KeyboardEvent) => {
                if (e.key === 'Enter') this.set(def, (e.target as HTMLInputElement).value);
                if (e.key === 'Escape') {
                  this.drafts.delete(def.name);
                  this.errors.delete(def.name);
                  this.requestUpdate();
                }
              }}
              @change=${(e: Event) => {
                if (this.drafts.has(def.name)) this.set(def, (e.target as HTMLInputElement).value);
              }}
            />`;
    const unit = def.type === 'duration' ? '' : def.unit;
    return html`<li class=${`param ${changed ? 'changed' : ''}`} data-param=${def.name}>
      <span class="pname mono" title=${def.timer ? msg('timeouts.timerOf', { timer: def.timer }) : ''}>${def.name}</span>
      <span class="box">${box} <span class="unit">${unit}</span></span>
      <span class="defaults">
        ${PROFILES.map((p) => html`<span class=${`def ${p === profile ? 'current' : ''}`} data-profile=${p}>${p} ${show(def, (def.defaults as Record<string, unknown>)[p])}</span>`)}
      </span>
      <span class="desc">${def.description.en}${rangeText(def) ? html` <span class="range">(${rangeText(def)})</span>` : nothing}${def.live ? nothing : html` <span class="ro">${msg('timeouts.notLive')}</span>`}</span>
      ${err ? html`<span class="perror" role="alert">${err}</span>` : nothing}
      ${this.resultParam === def.name && this.result ? html`<span class="presult" role="status">${this.result}</span>` : nothing}
    </li>`;
  }

  /** The balancers' and applications' idle timeouts of this scenario (edited in the Topology tab). */
  private boxIdle() {
    const s = this.snap;
    if (!s) return nothing;
    // Which apps and middleboxes there are: the document, read once; their values now (live
    // edits included): their snapshot state.
    if (!this.doc) {
      try {
        this.doc = JSON.parse(this.controller!.feed.pg.scenario());
      } catch {
        this.doc = {};
      }
    }
    const doc = this.doc!;
    const rows: Array<{ who: string; def: ParamDef; value: unknown }> = [];
    for (const [list, prefix] of [[doc.middleboxes ?? [], 'middlebox:'], [doc.apps ?? [], 'app:']] as const) {
      for (const entry of list) {
        const type = String(entry.type ?? '');
        for (const def of this.catalogue) {
          if (def.scope !== prefix + type || !/idle|timeout/.test(def.name)) continue;
          let v: unknown = entry;
          for (const part of def.name.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
          const live = s.components.find((c) => c.name === entry.name);
          const now = live && def.live ? componentFieldText(live.state, def) : '';
          if (now) v = now;
          if (v === undefined) v = def.defaults.rfc;
          if (v === null || v === undefined) continue;
          rows.push({ who: `${type} ${String(entry.name ?? '')}`, def, value: v });
        }
      }
    }
    if (!rows.length) return html`<p class="muted small">${msg('timeouts.noBoxes')}</p>`;
    return html`<ul class="boxes">
      ${rows.map((r) => html`<li class="box-idle" data-param=${r.def.name}><span class="mono">${r.who}</span> <span class="mono">${r.def.name}</span> = <b>${show(r.def, r.value)}</b> <span class="ro">${msg('timeouts.readOnly')}</span></li>`)}
    </ul>`;
  }

  override render() {
    const cur = this.current();
    const s = this.snap;
    if (!cur || !s) return html`<p class="empty">${msg('timeouts.empty')}</p>`;
    const defs = this.tcpDefs();
    const byName = new Map(defs.map((d) => [d.name, d]));
    const host = s.hosts.find((h) => h.name === cur.host)!;
    return html`
      <div class="scope-bar">
        <label class="field"
          ><span>${msg('timeouts.scope')}</span
          ><select class="scope" .value=${cur.kind === 'host' ? `host:${cur.name}` : `conn:${cur.id}`} @change=${(e: Event) => this.choose((e.target as HTMLSelectElement).value)}>
            <optgroup label=${msg('timeouts.hosts')}>
              ${s.hosts.map((h) => html`<option value=${`host:${h.name}`} ?selected=${cur.kind === 'host' && cur.name === h.name}>${msg('timeouts.hostOption', { host: h.name, profile: h.profile })}</option>`)}
            </optgroup>
            <optgroup label=${msg('timeouts.connections')}>
              ${s.connections.map((c) => html`<option value=${`conn:${c.id}`} ?selected=${cur.kind === 'conn' && cur.id === c.id}>${`#${c.id} ${c.name} ${c.host} ${c.state}`}</option>`)}
            </optgroup>
          </select></label
        >
        ${cur.kind === 'host'
          ? html`<label class="field"
              ><span>${msg('timeouts.profile')}</span
              ><select class="profile" .value=${host.profile} @change=${(e: Event) => this.setProfile(cur.name, (e.target as HTMLSelectElement).value)}>
                ${PROFILES.map((p) => html`<option value=${p} ?selected=${p === host.profile}>${p}</option>`)}
              </select></label
            >`
          : html`<span class="muted">${msg('timeouts.connProfile', { host: cur.host, profile: cur.profile })}</span>`}
        <span class="muted scope-note">${cur.kind === 'host' ? msg('timeouts.hostNote', { host: cur.name }) : msg('timeouts.connNote')}</span>
      </div>
      ${this.errors.get('profile') ? html`<p class="perror" role="alert">${this.errors.get('profile')}</p>` : nothing}
      ${this.resultParam === 'profile' && this.result ? html`<p class="presult profile-result" role="status">${this.result}</p>` : nothing}
      <h3>${msg('timeouts.threeTitle')}</h3>
      <div class="three">
        ${THREE.map(
          (t) => html`<section class="timeout" data-timeout=${t.key}>
            <h4>${msg(`timeouts.${t.key}.name` as MessageKey)} <span class="ko">${msg(`timeouts.${t.key}.ko` as MessageKey)}</span></h4>
            <p class="def">${msg(`timeouts.${t.key}.def` as MessageKey)}</p>
            <ul class="params">
              ${t.params.map((n) => byName.get(n)).filter((d): d is ParamDef => !!d).map((d) => this.row(d, cur.values, cur.profile))}
            </ul>
            ${t.key === 'idle' ? this.boxIdle() : nothing}
          </section>`,
        )}
      </div>
      <h3>${msg('timeouts.allTitle')}</h3>
      ${groupParams(defs).map(
        (g) => html`<section class="group" data-group=${g.key}>
          <h4>${msg(`timeouts.group.${g.key}` as MessageKey)}</h4>
          <ul class="params">
            ${g.defs.map((d) => this.row(d, cur.values, cur.profile))}
          </ul>
        </section>`,
      )}
    `;
  }
}
