import { LitElement, html, nothing, svg } from 'lit';

import type { ComponentInfo, LinkInfo, LinkParams, ParamDef, Playground, Snapshot } from '../../../api/playground';
import type { EngineController } from '../../engine/controller';
import { msg } from '../../i18n';
import { checkParam, errorField, errorMessage, parseDuration, rangeText } from '../../util/params';
import { emit } from '../events';
import { bandwidthLabel, componentFieldText, durationLabel, linkFieldText, percent } from './tp-topology.format';
import { COMPONENT_ROW, LABEL_HEIGHT, LABEL_WIDTH, MIDDLEBOX_KINDS, NODE_WIDTH, layout, type Layout } from './tp-topology.layout';
import { styles } from './tp-topology.styles';

/** Past this many hosts the graph is not drawn (a 200,000-host benchmark scenario). */
const MAX_DRAWN_HOSTS = 60;

type Selection = { kind: 'link' | 'component'; name: string } | null;

/** "alb" and "nlb" are middleboxes ("middlebox:NAME"), the rest apps ("app:NAME"). */
function targetOf(c: ComponentInfo): string {
  return `${MIDDLEBOX_KINDS.has(c.kind) ? 'middlebox' : 'app'}:${c.name}`;
}

/** Hosts that a `listen` or `udp_bind` of the scenario's timeline names. */
function servingHosts(scenarioJson: string): Set<string> {
  const out = new Set<string>();
  try {
    const doc = JSON.parse(scenarioJson) as { timeline?: Array<{ do?: string; host?: string }> };
    for (const a of doc.timeline ?? []) if ((a.do === 'listen' || a.do === 'udp_bind') && a.host) out.add(a.host);
  } catch {
    // no document: the snapshot's listeners decide
  }
  return out;
}

/**
 * The topology: hosts, links, routers and balancers of the running scenario as a graph (SVG,
 * laid out by tp-topology.layout.ts), each link labelled with its delay, bandwidth and loss,
 * each host with its address and profile; a link that is down is drawn dashed and red. Click a
 * link to edit its parameters (applied all at once with setLink, or not at all) or to take it
 * down and bring it up; click a balancer or an application to edit its live timeouts. Every
 * edit is a recorded live action (it shows in pg.scenario() and replays after a seek).
 *
 * @event tp-acted - an edit ran (the playground refreshes its views)
 */
export class TpTopology extends LitElement {
  static override styles = styles;

  controller: EngineController | null = null;
  private catalogue: ParamDef[] = [];
  private snap: Snapshot | null = null;
  private lastTime = -1;
  private lastVersion = -1;
  private laidOut: Layout | null = null;
  private layoutKey = '';
  private sel: Selection = null;
  /** Hosts the timeline makes listen or bind a UDP port (drawn on the right). */
  private serving: Set<string> | null = null;
  /** Text typed into a field, kept until applied (and after an error). */
  private drafts = new Map<string, string>();
  private errors = new Map<string, string>();
  private result = '';

  refresh(force = false): void {
    const c = this.controller;
    if (!c?.lesson) return;
    if (!force && c.now === this.lastTime && c.model.version === this.lastVersion && this.snap) return;
    if (!this.catalogue.length) this.catalogue = c.feed.pg.parameters();
    this.snap = c.feed.pg.snapshot();
    this.lastTime = c.now;
    this.lastVersion = c.model.version;
    // Laid out again only when what is drawn changes shape (listeners appear at the start).
    const s = this.snap;
    const key = JSON.stringify([s.hosts.map((h) => [h.name, h.listeners.length > 0, h.udp.length > 0]), s.links.map((l) => l.name), s.components.map((x) => x.name)]);
    if (key !== this.layoutKey && s.hosts.length <= MAX_DRAWN_HOSTS) {
      this.layoutKey = key;
      if (!this.serving) this.serving = servingHosts(c.feed.pg.scenario());
      this.laidOut = layout(s.hosts, s.links, s.components, this.serving);
    }
    this.requestUpdate();
  }

  reset(): void {
    this.snap = null;
    this.laidOut = null;
    this.layoutKey = '';
    this.serving = null;
    this.sel = null;
    this.drafts.clear();
    this.errors.clear();
    this.result = '';
    this.refresh(true);
  }

  /** Opens the editor of a link or of a component (an app or a balancer) by name. */
  select(kind: 'link' | 'component', name: string): void {
    this.sel = { kind, name };
    this.drafts.clear();
    this.errors.clear();
    this.result = '';
    this.requestUpdate();
  }

  private linkDefs(): ParamDef[] {
    return this.catalogue.filter((d) => d.scope === 'link' && d.name !== 'up');
  }

  private componentDefs(c: ComponentInfo): ParamDef[] {
    const scope = `${MIDDLEBOX_KINDS.has(c.kind) ? 'middlebox' : 'app'}:${c.kind}`;
    const pooled = (c.state as { pooled?: boolean } | undefined)?.pooled;
    return this.catalogue.filter((d) => d.scope === scope && d.live && (pooled !== false || !d.name.startsWith('pool.')));
  }

  /** Runs `f` as a live action; on an error, `onError` gets it and nothing was recorded. */
  private act(f: (pg: Playground) => void, done: string, onError: (e: unknown) => void): void {
    const c = this.controller;
    if (!c) return;
    try {
      c.act(f);
    } catch (e) {
      onError(e);
      this.result = '';
      this.requestUpdate();
      return;
    }
    this.drafts.clear();
    this.errors.clear();
    this.result = done;
    this.refresh(true);
    emit(this, 'tp-acted', { action: 'topology' });
  }

  /** Checks one field as the page can (the engine checks again); the error names the field. */
  private check(def: ParamDef, text: string): { ok: true; value: string | number } | { ok: false; error: string } {
    const t = text.trim();
    if (def.type === 'probability') {
      const n = Number(t);
      if (t === '' || !Number.isFinite(n) || n < 0 || n > 1) return { ok: false, error: `${def.name}: ${msg('topology.expectProbability', { got: text })}` };
      return { ok: true, value: n };
    }
    if (def.type === 'bandwidth') {
      if (/^[0-9]+$/.test(t)) return { ok: true, value: Number(t) };
      if (!t) return { ok: false, error: `${def.name}: ${msg('params.expectValue')}` };
      return { ok: true, value: t }; // "100Mbit": the engine reads the unit
    }
    const checked = checkParam(def, t);
    if (!checked.ok) return checked;
    return { ok: true, value: checked.value as string | number };
  }

  private applyLink(link: LinkInfo): void {
    const params: Record<string, string | number> = {};
    this.errors.clear();
    for (const def of this.linkDefs()) {
      const draft = this.drafts.get(def.name);
      if (draft === undefined || draft === linkFieldText(link, def.name)) continue;
      const r = this.check(def, draft);
      if (r.ok) params[def.name] = r.value;
      else this.errors.set(def.name, r.error);
    }
    if (this.errors.size) {
      this.result = '';
      this.requestUpdate();
      return;
    }
    if (!Object.keys(params).length) {
      this.result = msg('topology.nothingChanged');
      this.requestUpdate();
      return;
    }
    const words = Object.entries(params).map(([k, v]) => `${k} ${v}`).join(', ');
    this.act(
      (pg) => pg.setLink(link.name, params as LinkParams),
      msg('topology.linkSet', { link: link.name, changes: words }),
      (e) => {
        const field = errorField(e);
        this.errors.set(this.linkDefs().some((d) => d.name === field) ? field : '', errorMessage(e));
      },
    );
  }

  private linkUpDown(link: LinkInfo, up: boolean): void {
    this.act(
      (pg) => pg.action({ do: up ? 'link_up' : 'link_down', link: link.name }),
      msg(up ? 'topology.linkUpDone' : 'topology.linkDownDone', { link: link.name }),
      (e) => this.errors.set('', errorMessage(e)),
    );
  }

  private applyComponent(c: ComponentInfo): void {
    const changes: Array<[string, string | number]> = [];
    this.errors.clear();
    for (const def of this.componentDefs(c)) {
      const draft = this.drafts.get(def.name);
      if (draft === undefined || draft === componentFieldText(c.state, def)) continue;
      const r = this.check(def, draft);
      if (r.ok) changes.push([def.name, r.value]);
      else this.errors.set(def.name, r.error);
    }
    if (this.errors.size) {
      this.result = '';
      this.requestUpdate();
      return;
    }
    if (!changes.length) {
      this.result = msg('topology.nothingChanged');
      this.requestUpdate();
      return;
    }
    const middlebox = MIDDLEBOX_KINDS.has(c.kind);
    let failed = '';
    this.act(
      (pg) => {
        for (const [param, value] of changes) {
          failed = param;
          if (middlebox) pg.setMiddlebox(c.name, param, value);
          else pg.setApp(c.name, param, value);
        }
      },
      msg('topology.componentSet', { name: c.name, changes: changes.map(([k, v]) => `${k} ${v}`).join(', ') }),
      (e) => this.errors.set(failed, errorMessage(e)),
    );
  }

  private onKeyActivate(e: KeyboardEvent, kind: 'link' | 'component', name: string): void {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    e.preventDefault();
    this.select(kind, name);
  }

  private drawLink(l: Layout['links'][number]) {
    const p = l.link.params;
    const down = !p.up;
    const selected = this.sel?.kind === 'link' && this.sel.name === l.link.name;
    const x = l.lx - LABEL_WIDTH / 2;
    const y = l.ly - LABEL_HEIGHT / 2;
    const loss = p.loss > 0 ? msg('topology.loss', { loss: percent(p.loss) }) : msg('topology.noLoss');
    return svg`<g class=${`link${down ? ' down' : ''}${selected ? ' selected' : ''}`} data-link=${l.link.name} role="button" tabindex="0"
        aria-label=${msg('topology.linkAria', { link: l.link.name, a: l.link.a, b: l.link.b })}
        @click=${() => this.select('link', l.link.name)} @keydown=${(e: KeyboardEvent) => this.onKeyActivate(e, 'link', l.link.name)}>
      <line class="hit" x1=${l.x1} y1=${l.y1} x2=${l.x2} y2=${l.y2}></line>
      <line class="wire" x1=${l.x1} y1=${l.y1} x2=${l.x2} y2=${l.y2}></line>
      <rect class="label-bg" x=${x} y=${y} width=${LABEL_WIDTH} height=${LABEL_HEIGHT} rx="4"></rect>
      <text class="label name" x=${l.lx} y=${y + 14}>${l.link.name}${down ? ` · ${msg('topology.down')}` : ''}</text>
      <text class="label" x=${l.lx} y=${y + 28}>${durationLabel(p.delay_ns)}</text>
      <text class="label" x=${l.lx} y=${y + 42}>${bandwidthLabel(p.bandwidth_bps)}</text>
      <text class="label" x=${l.lx} y=${y + 56}>${loss}</text>
    </g>`;
  }

  private drawHost(h: Layout['hosts'][number]) {
    const role = h.host.forwarding ? msg('topology.router') : '';
    return svg`<g class=${`host ${h.role}`} data-host=${h.host.name}>
      <rect class="box" x=${h.x} y=${h.y} width=${NODE_WIDTH} height=${h.height} rx="6"></rect>
      <text class="hname" x=${h.x + 8} y=${h.y + 17}>${h.host.name}${role ? ` (${role})` : ''}</text>
      <text class="hinfo" x=${h.x + 8} y=${h.y + 33}>${h.host.addrs.join(', ')}</text>
      <text class="hinfo" x=${h.x + 8} y=${h.y + 47}>${msg('topology.profile', { profile: h.host.profile })}</text>
      ${h.components.map((c, i) => {
        const y = h.y + 52 + i * COMPONENT_ROW;
        const selected = this.sel?.kind === 'component' && this.sel.name === c.name;
        const editable = this.componentDefs(c).length > 0;
        return svg`<g class=${`comp${MIDDLEBOX_KINDS.has(c.kind) ? ' balancer' : ''}${selected ? ' selected' : ''}${editable ? ' editable' : ''}`} data-component=${c.name}
            role=${editable ? 'button' : 'img'} tabindex=${editable ? '0' : '-1'} aria-label=${msg('topology.componentAria', { kind: c.kind, name: c.name })}
            @click=${() => editable && this.select('component', c.name)} @keydown=${(e: KeyboardEvent) => editable && this.onKeyActivate(e, 'component', c.name)}>
          <rect class="comp-bg" x=${h.x + 4} y=${y - 1} width=${NODE_WIDTH - 8} height=${COMPONENT_ROW - 2} rx="3"></rect>
          <text class="ctext" x=${h.x + 10} y=${y + 12}>${c.kind} ${c.name}</text>
        </g>`;
      })}
    </g>`;
  }

  private field(def: ParamDef, current: string) {
    const err = this.errors.get(def.name);
    const value = this.drafts.get(def.name) ?? current;
    const unit = def.type === 'duration' ? msg('topology.durationUnit') : def.unit;
    const input =
      def.type === 'choice'
        ? html`<select class="value" name=${def.name} aria-label=${def.name} .value=${value} @change=${(e: Event) => this.drafts.set(def.name, (e.target as HTMLSelectElement).value)}>
            ${(def.choices ?? []).map((ch) => html`<option value=${ch} ?selected=${ch === value}>${ch}</option>`)}
          </select>`
        : html`<input
            class="value"
            name=${def.name}
            aria-label=${def.name}
            aria-invalid=${err ? 'true' : 'false'}
            .value=${value}
            @input=${(e: Event) => this.drafts.set(def.name, (e.target as HTMLInputElement).value)}
          />`;
    const range = rangeText(def);
    return html`<div class="frow" data-param=${def.name}>
      <label class="fname mono">${def.name}</label>
      <span class="fbox">${input} <span class="unit">${unit}</span></span>
      <span class="fdesc">${def.description.en}${range ? ` (${range})` : ''}</span>
      ${err ? html`<span class="ferror" role="alert">${err}</span>` : nothing}
    </div>`;
  }

  private linkEditor(link: LinkInfo) {
    const up = link.params.up;
    return html`<form class="editor" data-editing=${`link:${link.name}`} @submit=${(e: Event) => (e.preventDefault(), this.applyLink(link))}>
      <h3>${msg('topology.editLink', { link: link.name, a: link.a, b: link.b })}
        <span class=${up ? 'state up' : 'state down'}>${up ? msg('topology.up') : msg('topology.down')}</span></h3>
      <div class="fields">${this.linkDefs().map((d) => this.field(d, linkFieldText(link, d.name)))}</div>
      ${this.errors.get('') ? html`<p class="ferror" role="alert">${this.errors.get('')}</p>` : nothing}
      <div class="buttons">
        <button type="submit" class="apply">${msg('topology.apply')}</button>
        ${up
          ? html`<button type="button" class="take-down" @click=${() => this.linkUpDown(link, false)}>${msg('topology.takeDown')}</button>`
          : html`<button type="button" class="bring-up" @click=${() => this.linkUpDown(link, true)}>${msg('topology.bringUp')}</button>`}
        <button type="button" class="close" @click=${() => this.select('link', '')}>${msg('topology.close')}</button>
      </div>
      ${this.result ? html`<p class="result" role="status">${this.result}</p>` : nothing}
    </form>`;
  }

  private componentEditor(c: ComponentInfo) {
    const defs = this.componentDefs(c);
    return html`<form class="editor" data-editing=${targetOf(c)} @submit=${(e: Event) => (e.preventDefault(), this.applyComponent(c))}>
      <h3>${msg('topology.editComponent', { kind: c.kind, name: c.name })}</h3>
      <p class="muted">${msg('topology.timerRule')}</p>
      <div class="fields">${defs.map((d) => this.field(d, componentFieldText(c.state, d)))}</div>
      ${this.errors.get('') ? html`<p class="ferror" role="alert">${this.errors.get('')}</p>` : nothing}
      <div class="buttons">
        <button type="submit" class="apply">${msg('topology.apply')}</button>
        <button type="button" class="close" @click=${() => this.select('link', '')}>${msg('topology.close')}</button>
      </div>
      ${this.result ? html`<p class="result" role="status">${this.result}</p>` : nothing}
    </form>`;
  }

  private editor() {
    const s = this.snap!;
    if (this.sel?.kind === 'link') {
      const l = s.links.find((x) => x.name === this.sel!.name);
      if (l) return this.linkEditor(l);
    }
    if (this.sel?.kind === 'component') {
      const c = s.components.find((x) => x.name === this.sel!.name);
      if (c) return this.componentEditor(c);
    }
    return html`<p class="muted hint">${msg('topology.hint')}</p>`;
  }

  override render() {
    const s = this.snap;
    if (!s) return html`<p class="empty">${msg('topology.empty')}</p>`;
    if (s.hosts.length > MAX_DRAWN_HOSTS || !this.laidOut) return html`<p class="empty">${msg('topology.tooMany', { hosts: s.hosts.length, max: MAX_DRAWN_HOSTS })}</p>`;
    const L = this.laidOut;
    // The layout is fixed per scenario; the links' parameters and states are today's.
    const links = L.links.map((pl) => ({ ...pl, link: s.links.find((x) => x.name === pl.link.name) ?? pl.link }));
    const hosts = L.hosts.map((ph) => ({ ...ph, host: s.hosts.find((x) => x.name === ph.host.name) ?? ph.host, components: ph.components.map((c) => s.components.find((x) => x.name === c.name) ?? c) }));
    return html`
      <div class="graph">
        <svg width=${L.width} height=${L.height} viewBox=${`0 0 ${L.width} ${L.height}`} role="group" aria-label=${msg('topology.label')}>
          ${links.map((l) => this.drawLink(l))} ${hosts.map((h) => this.drawHost(h))}
        </svg>
      </div>
      ${this.editor()}
    `;
  }
}
