import { LitElement, html, nothing } from 'lit';
import { LESSONS } from 'tcpplay:lessons';

import { EngineController, LessonSource } from '../../engine/controller';
import { Kind } from '../../engine/feed';
import { ScenarioDoc } from '../../editor/document';
import { SavedWork, type Work } from '../../model/saved-work';
import { msg } from '../../i18n';
import { decodeShare, shareParam, timeParam } from '../../model/share-link';
import { browserSupported } from '../../util/support';
import { parseTime } from '../../util/time';
import type { ControlDetail, LessonDetail, SeekDetail, SelectDetail, SpeedDetail } from '../events';
import type { TpComposer } from '../tp-composer/tp-composer.component';
import type { EditorHost, TpEditor } from '../tp-editor/tp-editor.component';
import type { TpConnections } from '../tp-connections/tp-connections.component';
import type { TpInspector } from '../tp-inspector/tp-inspector.component';
import type { TpLadder } from '../tp-ladder/tp-ladder.component';
import { watchText } from '../tp-lessons/tp-lessons.component';
import type { TpStateDiagram } from '../tp-state-diagram/tp-state-diagram.component';
import type { TpLog } from '../tp-log/tp-log.component';
import type { TpTimeControls } from '../tp-time-controls/tp-time-controls.component';
import type { TpTour } from '../tp-tour/tp-tour.component';
import type { TpSockets } from '../tp-sockets/tp-sockets.component';
import type { TpTimeouts } from '../tp-timeouts/tp-timeouts.component';
import type { TpTopology } from '../tp-topology/tp-topology.component';
import { styles } from './tcp-playground.styles';

const TOUR_KEY = 'tcpplay.tour.done';

type Status = 'loading' | 'ready' | 'error' | 'unsupported';
type Tab = 'lesson' | 'log' | 'states' | 'connections' | 'composer' | 'packet' | 'sockets' | 'timeouts' | 'topology' | 'editor';
/** Tabs that widen the side panel. */
const WIDE_TABS: Tab[] = ['states', 'connections', 'composer', 'packet', 'sockets', 'timeouts', 'topology', 'editor'];
type LoadErrors = Array<{ path: string; message: string }>;

/** `#lesson=handshake&t=350s` -> { lesson, t (ns, NaN if none) }. */
export function parseHash(hash: string): { lesson: string; t: number } {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  return { lesson: p.get('lesson') ?? '', t: p.has('t') ? parseTime(p.get('t')!) : NaN };
}

/**
 * The playground: one engine, a lesson, the ladder, time controls, the lesson list and the log.
 * Several can live on one page: all state is per element and keys work only while it has focus.
 *
 * @attr lesson - the lesson to open first (an id such as `handshake`)
 * @attr routing - follow and update `location.hash` (#lesson=...&t=...); only on a page's main playground
 * @attr no-tour - never show the first-visit tour
 */
export class TcpPlayground extends LitElement {
  static override styles = styles;

  /** Lessons, in order. */
  readonly lessons: LessonSource[] = LESSONS;
  controller: EngineController | null = null;
  /** Resolves when the engine is loaded and the first lesson is shown. */
  readonly ready: Promise<void>;
  private resolveReady!: () => void;
  private status: Status = 'loading';
  /** start() runs once per element, even when it is moved in the document. */
  private starting = false;
  private error = '';
  private tab: Tab = 'lesson';
  /**
   * The panels made so far: every tab but the lesson's is made when it is first opened and kept
   * afterwards (with what was typed in it), so that the first load renders no hidden panel (the
   * four tool forms cost about 50 ms of it, the log's and the tables' first render 15-25 ms).
   */
  private readonly made = new Set<Tab>();
  /** The event selected last (ladder, log, composer): the inspector and the log show it when made. */
  private selectedEvent = -1;
  /** The connection chosen last: the state diagram shows it when it is made. */
  private selectedConn = -1;
  private lastPointsVersion = -1;
  private lastPanelRefresh = 0;
  private showTour = false;
  private raf = 0;
  private lastTs = 0;
  private lastVersion = -1;
  private lastNow = -1;
  private lastLogRefresh = 0;
  private visible = true;
  private observer: IntersectionObserver | null = null;
  /** The scenario text as the person edits it (the Scenario tab shows it). */
  readonly doc = new ScenarioDoc();
  /** The current work in the browser's storage (made at start: the key needs the element's id). */
  private work: SavedWork | null = null;
  /** The lesson's scenario as loaded, while the run is a lesson (null for other scenarios). */
  private pristine: string | null = null;
  /** A message about saved work (restored with errors, storage off), until dismissed. */
  private workNotice = '';
  private readonly editorHost: EditorHost = {
    apply: (text) => this.openScenario(text, NaN, false),
    scenario: () => this.controller?.scenario() ?? '',
    changed: () => this.saveWork(false),
  };
  /** Long tasks seen and frame times, for the benchmark. */
  readonly frameTimes: number[] = [];

  constructor() {
    super();
    this.ready = new Promise((r) => (this.resolveReady = r));
  }

  private get ladder(): TpLadder | null {
    return this.renderRoot.querySelector('tp-ladder');
  }
  private get controls(): TpTimeControls | null {
    return this.renderRoot.querySelector('tp-time-controls');
  }
  private get log(): TpLog | null {
    return this.renderRoot.querySelector('tp-log');
  }
  private get diagram(): TpStateDiagram | null {
    return this.renderRoot.querySelector('tp-state-diagram');
  }
  private get table(): TpConnections | null {
    return this.renderRoot.querySelector('tp-connections');
  }
  private get composer(): TpComposer | null {
    return this.renderRoot.querySelector('tp-composer');
  }
  private get inspector(): TpInspector | null {
    return this.renderRoot.querySelector('tp-inspector');
  }
  private get sockets(): TpSockets | null {
    return this.renderRoot.querySelector('tp-sockets');
  }
  private get timeouts(): TpTimeouts | null {
    return this.renderRoot.querySelector('tp-timeouts');
  }
  private get topology(): TpTopology | null {
    return this.renderRoot.querySelector('tp-topology');
  }
  private get editor(): TpEditor | null {
    return this.renderRoot.querySelector('tp-editor');
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.hasAttribute('tabindex')) this.tabIndex = 0;
    this.addEventListener('keydown', this.onKey);
    if (this.hasAttribute('routing')) window.addEventListener('hashchange', this.onHash);
    document.addEventListener('visibilitychange', this.onVisibility);
    window.addEventListener('pagehide', this.onPageHide);
    this.observer = new IntersectionObserver((entries) => {
      this.visible = entries.some((e) => e.isIntersecting);
      if (!this.visible) this.pause();
    });
    this.observer.observe(this);
    if (!this.starting) {
      this.starting = true;
      void this.start();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('keydown', this.onKey);
    window.removeEventListener('hashchange', this.onHash);
    document.removeEventListener('visibilitychange', this.onVisibility);
    window.removeEventListener('pagehide', this.onPageHide);
    this.work?.flush();
    this.observer?.disconnect();
    cancelAnimationFrame(this.raf);
    this.raf = 0;
  }

  private async start(): Promise<void> {
    if (!browserSupported()) {
      this.status = 'unsupported';
      this.requestUpdate();
      return;
    }
    try {
      performance.mark('tcpplay:engine-start');
      const c = new EngineController();
      const init = c.init();
      // The panels render while the module loads (it started when the engine's part of the
      // script ran: inflating, compiling off the main thread, instantiating), without an
      // engine: the first render fills the gaps of that pipeline. Rendered after it, the first
      // frame came about 20 ms later (A/B in one browser, median of 8).
      this.status = 'ready';
      this.requestUpdate();
      await this.updateComplete;
      performance.mark('tcpplay:ui-rendered');
      await init;
      performance.mark('tcpplay:engine-ready');
      this.controller = c;
      this.requestUpdate();
      await this.updateComplete;
      const hash = this.hasAttribute('routing') ? parseHash(location.hash) : { lesson: '', t: NaN };
      const shared = this.hasAttribute('routing') && shareParam(location.hash) !== '';
      const id = this.find(hash.lesson) ? hash.lesson : this.find(this.getAttribute('lesson') ?? '') ? this.getAttribute('lesson')! : this.lessons[0].id;
      this.work = new SavedWork(this.id, (message) => this.say(msg('work.storageFailed', { message })));
      const saved = this.work.read();
      // A deep link (a lesson, or a shared scenario `#s=`) opens what it names; without one the
      // saved work comes back (also when the link names the lesson that work is). A broken share
      // link opens what would open without it, and says why.
      const deep = this.find(hash.lesson) !== undefined || shared;
      if (shared && (await this.openShared(location.hash))) {
        // the shared scenario runs
      } else if (saved && (!deep || saved.lesson === hash.lesson)) {
        const why = this.error;
        this.restoreWork(saved, deep && !shared ? hash.t : saved.t);
        if (shared) this.error = why;
      } else {
        const why = this.error;
        this.openLesson(id, hash.t);
        if (shared) this.error = why;
      }
      performance.mark('tcpplay:lesson-loaded');
      this.ladder?.paintNow();
      this.showTour = !this.hasAttribute('no-tour') && !this.tourDone();
      this.requestUpdate();
      this.resolveReady();
    } catch (e) {
      this.status = 'error';
      this.error = e instanceof Error ? e.message : String(e);
      this.requestUpdate();
      this.resolveReady();
    }
  }

  private find(id: string): LessonSource | undefined {
    return this.lessons.find((l) => l.id === id);
  }

  private tourDone(): boolean {
    try {
      return localStorage.getItem(TOUR_KEY) === '1';
    } catch {
      return false;
    }
  }

  /** Opens a lesson at 0 s, paused; then at time t (ns) when given. */
  openLesson(id: string, t = NaN): void {
    const lesson = this.find(id);
    if (lesson) this.open(lesson, t);
  }

  /**
   * Opens any scenario (JSON text) as if it were a lesson, at 0 s (then at time t, ns). Returns
   * the loader's errors ([] when it runs now); with errors the previous run goes on, and
   * `banner` shows them in the page.
   */
  openScenario(json: string, t = NaN, banner = true): LoadErrors {
    let doc: { title?: string; description?: string; watch?: LessonSource['watch'] } = {};
    try {
      doc = JSON.parse(json);
    } catch {
      // the engine reports the error
    }
    // Only strings reach the views (a title of another type must not reach Lit as a template).
    const str = (x: unknown) => (typeof x === 'string' ? x : '');
    const watch = Array.isArray(doc.watch) ? doc.watch : [];
    return this.open({ id: 'custom', file: '', number: 0, title: str(doc.title), description: str(doc.description), watch, json }, t, banner);
  }

  /**
   * Makes `text` the current work (for links and files that carry a scenario): loads it (at 0 s,
   * then at time t, ns, paused), the Scenario tab shows it, and it is saved. On errors the run
   * goes on unchanged and the text is kept, marked; returns the loader's errors.
   */
  setWork(text: string, t = NaN): LoadErrors {
    const errors = this.openScenario(text, t, false);
    this.doc.tried(text, errors);
    this.editor?.refresh();
    this.saveWork(true);
    return errors;
  }

  /** The `s` of the share link on screen ('' when the scenario did not come from one). */
  private sharedData = '';
  /** The scenario as that link opened it: once the run differs, the link no longer says it. */
  private sharedScenario = '';

  /**
   * Opens the scenario of a share link (#s=1.<data>&t=...), paused at its time. A broken link or
   * a scenario the loader refuses loads nothing: the work on screen (and the saved work) stays,
   * the error says why.
   */
  private async openShared(hash: string): Promise<boolean> {
    const s = shareParam(hash);
    const d = await decodeShare(hash);
    const c = this.controller;
    if (!c) return false;
    if (!d.ok) {
      this.error = msg('share.bad', { problem: msg(`share.problem.${d.problem}`, { detail: d.detail }) });
      this.requestUpdate();
      return false;
    }
    if (s === this.sharedData && c.lesson?.id === 'custom') {
      if (Math.abs(d.t - c.now) > 1e3) this.seek(d.t);
      return true;
    }
    const errors = this.openScenario(d.json, d.t, false);
    if (errors.length) {
      this.error = msg('share.badLoad', { message: errors.map((e) => `${e.path}: ${e.message}`).join('; ') });
      this.requestUpdate();
      return false;
    }
    this.sharedData = s;
    this.sharedScenario = c.scenario();
    return true;
  }

  private open(lesson: LessonSource, t: number, banner = true): LoadErrors {
    const c = this.controller;
    if (!c) return [{ path: '', message: 'the engine is not ready' }];
    try {
      c.load(lesson);
    } catch (e) {
      const errors = (e as { errors?: LoadErrors }).errors ?? [{ path: '', message: e instanceof Error ? e.message : String(e) }];
      if (banner) {
        this.error = msg('app.loadError', { message: e instanceof Error ? e.message : String(e) });
        this.requestUpdate();
      }
      return errors;
    }
    this.error = '';
    this.sharedData = '';
    this.pristine = lesson.id !== 'custom' ? c.scenario() : null;
    this.doc.fromRun(c.scenario());
    this.editor?.refresh();
    this.saveWork(false);
    const ladder = this.ladder;
    if (ladder) {
      ladder.controller = c;
      ladder.watchTexts = lesson.watch.map(watchText);
      ladder.reset();
    }
    const diagram = this.diagram;
    if (diagram) {
      diagram.controller = c;
      diagram.reset();
    }
    const table = this.table;
    if (table) {
      table.controller = c;
      table.reset();
    }
    const log = this.log;
    if (log) {
      log.controller = c;
      log.newLesson();
    }
    this.selectedEvent = -1;
    this.selectedConn = -1;
    for (const panel of [this.composer, this.inspector, this.sockets, this.timeouts, this.topology]) {
      if (!panel) continue;
      panel.controller = c;
      panel.reset();
    }
    if (!Number.isNaN(t) && t > 0) c.seek(t);
    this.lastVersion = -1;
    this.requestUpdate();
    this.kick();
    return [];
  }

  /**
   * Gives saved work back: its run (the lesson, or the scenario with its live actions) paused at
   * time t (ns), and the text as it was left, marked when the loader refuses it.
   */
  private restoreWork(w: Work, t: number): void {
    const c = this.controller!;
    // The engine checks a text by loading it, so check before the run is loaded.
    const textErrors = w.state === 'applied' ? [] : c.check(w.text);
    const lesson = w.lesson ? this.find(w.lesson) : undefined;
    const runErrors = lesson ? this.open(lesson, t, false) : this.openScenario(w.scenario, t, false);
    if (runErrors.length) {
      this.say(msg('work.savedRunFailed', { message: runErrors.map((e) => `${e.path}: ${e.message}`).join('; ') }));
      this.openLesson(this.lessons[0].id);
    } else if (textErrors.length) {
      this.say(msg('work.restoredInvalid', { when: new Date(w.savedAt).toLocaleString() }));
    }
    this.doc.restore(w.text, w.state === 'applied', c.scenario(), textErrors);
    this.editor?.refresh();
  }

  /** What is saved as the current work. */
  private snapshotWork = (): Work => {
    const c = this.controller;
    return {
      v: 1,
      text: this.doc.text,
      state: this.doc.state,
      scenario: c?.scenario() ?? '',
      lesson: this.isPristine() ? c!.lesson!.id : null,
      t: c ? (c.seeking ? c.seekTarget : c.now) : 0,
      savedAt: Date.now(),
    };
  };

  /** Saves the current work: now, or after the editor's pause (typing saves once). */
  private saveWork(now: boolean): void {
    if (!this.work || !this.controller?.lesson) return;
    if (now) this.work.saveNow(this.snapshotWork);
    else this.work.saveSoon(this.snapshotWork);
  }

  /** The run is a lesson with nothing changed (no live action kept, nothing edited). */
  private isPristine(): boolean {
    return this.pristine !== null && this.controller?.scenario() === this.pristine;
  }

  /** A message about saved work, shown until dismissed. */
  private say(text: string): void {
    this.workNotice = text;
    this.requestUpdate();
  }

  /** Starts the frame loop (it stops itself when nothing moves). */
  private kick(): void {
    if (!this.raf) this.raf = requestAnimationFrame(this.frame);
  }

  private frame = (ts: number): void => {
    this.raf = 0;
    const c = this.controller;
    if (!c) return;
    const start = performance.now();
    const dt = this.lastTs ? ts - this.lastTs : 16;
    this.lastTs = ts;
    const wasPlaying = c.playing;
    const draws = this.ladder?.drawTimes;
    c.tick(dt, draws?.length ? draws[draws.length - 1] : 0);
    this.sync(c.busy);
    if (wasPlaying && !c.playing) this.writeHash();
    this.frameTimes.push(performance.now() - start);
    if (this.frameTimes.length > 2000) this.frameTimes.splice(0, 1000);
    if (c.busy) this.raf = requestAnimationFrame(this.frame);
    else this.lastTs = 0;
  };

  /** Brings the views up to date with the engine. */
  private sync(busy = false): void {
    const c = this.controller;
    if (!c) return;
    const now = c.now;
    if (c.model.version !== this.lastVersion || now !== this.lastNow) {
      this.ladder?.invalidate();
      const t = performance.now();
      if (this.tab === 'log' && (!busy || t - this.lastLogRefresh > 150)) {
        this.log?.refresh();
        this.lastLogRefresh = t;
      }
      this.lastVersion = c.model.version;
      this.lastNow = now;
      // The state diagram and the table redraw at most every 150 ms while the run moves.
      if (!busy || t - this.lastPanelRefresh > 150) {
        this.lastPanelRefresh = t;
        if (this.tab === 'states') this.diagram?.refresh();
        if (this.tab === 'connections' || this.tab === 'states') {
          this.table?.refresh(busy);
          if (this.diagram && this.table) this.diagram.names = this.table.names();
        }
        if (this.tab === 'composer') this.composer?.refresh();
        if (this.tab === 'packet') this.inspector?.refresh();
        this.ladder?.setVerdict(this.composer?.lastVerdict ?? null);
        if (this.tab === 'sockets') this.sockets?.refresh();
        if (this.tab === 'timeouts') this.timeouts?.refresh();
        if (this.tab === 'topology') this.topology?.refresh();
      }
    }
    if (c.points.version !== this.lastPointsVersion || now !== this.lastNow) {
      this.lastPointsVersion = c.points.version;
      this.requestUpdate();
    }
    this.controls?.update2({ now, duration: c.duration, playing: c.playing, seeking: c.seeking, speed: c.speed });
  }

  /** Puts the lesson and time `ns` (default: now) in the address, without a history entry. */
  private writeHash(ns?: number): void {
    const c = this.controller;
    if (!this.hasAttribute('routing') || !c?.lesson) return;
    this.saveWork(false);
    const t = timeParam(ns ?? c.now);
    const at = t ? `&t=${t}` : '';
    let hash: string;
    if (this.sharedData && c.lesson.id === 'custom' && c.scenario() === this.sharedScenario) {
      // A shared scenario as its link made it keeps the link's data (back, forward, reload).
      hash = `#s=${this.sharedData}${at}`;
    } else if (!this.isPristine()) {
      // Not a lesson as it comes (nor a link's scenario as it came): a link would open something
      // else than the work, which a reload gives back from storage without one.
      if (location.hash) history.replaceState(history.state, '', location.href.split('#')[0]);
      return;
    } else {
      hash = `#lesson=${c.lesson.id}${at}`;
    }
    if (location.hash !== hash) history.replaceState(history.state, '', hash);
  }

  play(): void {
    this.controller?.play();
    this.kick();
    this.sync();
  }

  pause(): void {
    if (!this.controller?.playing) return;
    this.controller.pause();
    this.sync();
    this.writeHash();
  }

  /** Goes to virtual time t (ns). */
  seek(t: number): void {
    const c = this.controller;
    if (!c) return;
    c.seek(t);
    if (this.ladder) this.ladder.follow = true;
    this.kick();
    this.sync();
    this.writeHash(Math.floor(Math.max(0, Math.min(t, c.duration))));
  }

  private control(action: ControlDetail['action']): void {
    const c = this.controller;
    if (!c) return;
    switch (action) {
      case 'play':
        this.play();
        return;
      case 'pause':
        this.pause();
        return;
      case 'stepForward':
        c.pause();
        c.finishSeek();
        c.stepForward();
        break;
      case 'stepBack':
        c.pause();
        c.finishSeek();
        c.stepBack();
        break;
      case 'stepPacket':
        c.pause();
        c.finishSeek();
        c.stepPacket();
        break;
    }
    if (this.ladder) this.ladder.follow = true;
    this.ladder?.requestUpdate();
    this.sync();
    this.log?.refresh();
    this.writeHash();
    this.kick();
  }

  private onControl = (e: CustomEvent<ControlDetail>): void => this.control(e.detail.action);
  private onSeek = (e: CustomEvent<SeekDetail>): void => this.seek(e.detail.t);
  private onSpeed = (e: CustomEvent<SpeedDetail>): void => {
    if (!this.controller) return;
    this.controller.speed = e.detail.speed;
    this.sync();
  };

  private onLesson = (e: CustomEvent<LessonDetail>): void => this.chooseLesson(e.detail.id);

  private chooseLesson(id: string): void {
    if (id === this.controller?.lesson?.id) return;
    if (this.hasAttribute('routing')) location.hash = `lesson=${id}`; // onHash opens it (and history has it)
    else this.openLesson(id);
  }

  private onPick = (e: Event): void => this.chooseLesson((e.target as HTMLSelectElement).value);

  private onHash = (): void => {
    if (shareParam(location.hash)) {
      void this.openShared(location.hash);
      return;
    }
    const { lesson, t } = parseHash(location.hash);
    const c = this.controller;
    if (!c || !this.find(lesson)) return;
    if (lesson !== c.lesson?.id) this.openLesson(lesson, t);
    else if (!Number.isNaN(t) && Math.abs(t - c.now) > 1e3) this.seek(t);
  };

  private onVisibility = (): void => {
    if (document.hidden) {
      this.pause();
      this.saveWork(true);
    }
  };

  private onPageHide = (): void => this.saveWork(true);

  private onSelect = (e: CustomEvent<SelectDetail>): void => {
    const c = this.controller;
    if (!c) return;
    const { event, source } = e.detail;
    const col = c.model.cols;
    this.showConnection(col.conn[event] >= 0 ? col.conn[event] : col.peerConn[event]);
    this.selectedEvent = event;
    this.inspector?.select(event);
    if (this.tab === 'lesson' && c.model.rowOfEvent(event) >= 0) this.setTab('packet');
    if (source === 'ladder') {
      this.log?.select(event);
    } else {
      const kind = c.model.cols.kind[event];
      if (kind === Kind.PacketSent || kind === Kind.PacketDropped || kind === Kind.PacketReceived || kind === Kind.PacketDuplicated) this.ladder?.select(event);
      else this.ladder?.scrollToTime(c.model.cols.time[event]);
    }
  };

  private onKey = (e: KeyboardEvent): void => {
    const target = e.composedPath()[0] as HTMLElement;
    if (target && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName) && (target as HTMLInputElement).type !== 'range') return;
    if (target?.tagName === 'BUTTON' && (e.code === 'Space' || e.code === 'Enter')) return;
    // KeyboardEvent.code: the physical key, right under a Korean IME too.
    switch (e.code) {
      case 'Space':
        this.controller?.playing ? this.pause() : this.play();
        break;
      case 'ArrowRight':
        this.control(e.shiftKey ? 'stepPacket' : 'stepForward');
        break;
      case 'ArrowLeft':
        this.control('stepBack');
        break;
      case 'Equal':
      case 'NumpadAdd':
        this.ladder?.zoom(2);
        break;
      case 'Minus':
      case 'NumpadSubtract':
        this.ladder?.zoom(0.5);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  private onTourDone = (): void => {
    this.showTour = false;
    try {
      localStorage.setItem(TOUR_KEY, '1');
    } catch {
      // storage may be off; the tour then shows again next time
    }
    this.requestUpdate();
    this.focus();
  };

  private setTab(tab: Tab): void {
    this.tab = tab;
    const first = !this.made.has(tab);
    this.made.add(tab);
    // The diagram names connections as the table does: it needs the table made (hidden) too.
    if (tab === 'states') this.made.add('connections');
    this.requestUpdate();
    void this.updateComplete.then(() => {
      if (first && tab === 'packet' && this.selectedEvent >= 0) this.inspector?.select(this.selectedEvent);
      if (tab === 'log') this.log?.refresh();
      const log = this.log;
      if (first && log && this.selectedEvent >= 0) void log.updateComplete.then(() => log.select(this.selectedEvent));
      if (first && tab === 'states' && this.selectedConn >= 0) this.diagram?.selectConnection(this.selectedConn);
      if (tab === 'states') this.diagram?.refresh();
      if (tab === 'composer') this.composer?.refresh();
      if (tab === 'states' || tab === 'connections') {
        this.table?.refresh();
        if (this.diagram && this.table) this.diagram.names = this.table.names();
      }
      if (tab === 'sockets') this.sockets?.refresh(true);
      if (tab === 'timeouts') this.timeouts?.refresh(true);
      if (tab === 'topology') this.topology?.refresh(true);
      if (tab === 'editor') this.editor?.refresh();
      this.ladder?.invalidate();
    });
  }

  /** Shows connection `conn` in the state diagram (chosen in the ladder, the log or the table). */
  private showConnection(conn: number): void {
    if (conn < 0) return;
    this.selectedConn = conn;
    this.diagram?.selectConnection(conn);
  }

  private onConn = (e: CustomEvent<{ conn: number }>): void => {
    this.showConnection(e.detail.conn);
    this.setTab('states');
  };

  /** A panel ran a live action: every view reads what it traced (the table at the same time too). */
  private onActed = (): void => {
    const c = this.controller;
    if (c) this.doc.fromRun(c.scenario());
    this.editor?.refresh();
    this.saveWork(true);
    this.lastVersion = -1;
    this.table?.reset();
    this.ladder?.invalidate();
    this.log?.refresh();
    this.sync();
    this.writeHash();
    this.kick();
  };

  private ladderView = () => this.ladder?.exportView() ?? null;

  private onStopAtPoints = (e: Event): void => {
    if (this.controller) this.controller.stopAtPoints = (e.target as HTMLInputElement).checked;
  };

  private tabButton(tab: Tab, label: string) {
    return html`<button role="tab" id=${`tab-${tab}`} aria-selected=${this.tab === tab ? 'true' : 'false'} aria-controls=${`panel-${tab}`} @click=${() => this.setTab(tab)}>${label}</button>`;
  }

  override render() {
    if (this.status === 'unsupported') return html`<p class="message" role="alert">${msg('app.unsupported')}</p>`;
    if (this.status === 'error') return html`<p class="message" role="alert">${msg('app.error', { message: this.error })}</p>`;
    if (this.status === 'loading') return html`<p class="message">${msg('app.loading')}</p>`;
    const current = this.controller?.lesson?.id ?? '';
    // A scenario of one's own (a share link, a file) is listed first, under its own title.
    const own = this.controller?.lesson?.id === 'custom' ? this.controller.lesson : null;
    const lessons = own ? [{ ...own, title: msg('lessons.own', { title: own.title || msg('lessons.untitled') }) }, ...this.lessons] : this.lessons;
    return html`
      <div class="app">
        <header class="top">
          <h1 class="title">${msg('app.title')}</h1>
          <label class="picker">
            <span>${msg('lessons.pick')}</span>
            <select class="lesson-select" aria-label=${msg('lessons.label')} @change=${this.onPick}>
              ${lessons.map((l) => {
                if (l.id === 'custom') return html`<option value=${l.id} selected>${l.title}</option>`;
                const seen = this.controller?.points.seen(l.id).size ?? 0;
                const title = `${l.number}. ${l.title}`;
                return html`<option value=${l.id} ?selected=${l.id === current}>${seen ? msg('lessons.optionProgress', { title, seen, total: l.watch.length }) : title}</option>`;
              })}
            </select>
          </label>
          <label class="stop-at-points"><input type="checkbox" class="stop-points" .checked=${this.controller?.stopAtPoints ?? false} @change=${this.onStopAtPoints} /> ${msg('lessons.stopAtPoints')}</label>
          <tp-share .controller=${this.controller}></tp-share>
          <tp-export .controller=${this.controller} .ladderView=${this.ladderView}></tp-export>
        </header>
        <div class="alerts">
          ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
          ${this.workNotice
            ? html`<p class="work-notice" role="status"><span>${this.workNotice}</span><button class="dismiss" @click=${() => this.say('')}>${msg('work.dismiss')}</button></p>`
            : ''}
        </div>
        <main class=${WIDE_TABS.includes(this.tab) ? 'main wide' : 'main'}>
          <tp-ladder class="ladder" .controller=${this.controller} @tp-select=${this.onSelect}></tp-ladder>
          <aside class="side">
            <div class="tabs" role="tablist" aria-label=${msg('tabs.label')}>
              ${this.tabButton('lesson', msg('tabs.lesson'))} ${this.tabButton('states', msg('tabs.states'))}
              ${this.tabButton('connections', msg('tabs.connections'))} ${this.tabButton('log', msg('tabs.log'))}
              ${this.tabButton('composer', msg('tabs.composer'))} ${this.tabButton('packet', msg('tabs.packet'))}
              ${this.tabButton('sockets', msg('tabs.sockets'))} ${this.tabButton('timeouts', msg('tabs.timeouts'))}
              ${this.tabButton('topology', msg('tabs.topology'))}
              ${this.tabButton('editor', msg('tabs.editor'))}
            </div>
            <tp-lessons
              id="panel-lesson"
              role="tabpanel"
              aria-labelledby="tab-lesson"
              ?hidden=${this.tab !== 'lesson'}
              .lessons=${lessons}
              .current=${current}
              .seen=${this.controller?.points.seen(current) ?? new Set()}
              .reached=${new Map(this.controller?.points.list.map((p) => [p.n, p.time]) ?? [])}
              .latest=${this.controller?.points.latestAt(this.controller.now)?.n ?? 0}
              @tp-lesson=${this.onLesson}
              @tp-seek=${this.onSeek}
            ></tp-lessons>
            ${this.made.has('states')
              ? html`<tp-state-diagram id="panel-states" role="tabpanel" aria-labelledby="tab-states" ?hidden=${this.tab !== 'states'} .controller=${this.controller}></tp-state-diagram>`
              : nothing}
            ${this.made.has('connections')
              ? html`<tp-connections id="panel-connections" role="tabpanel" aria-labelledby="tab-connections" ?hidden=${this.tab !== 'connections'} .controller=${this.controller} @tp-conn=${this.onConn}></tp-connections>`
              : nothing}
            ${this.made.has('log')
              ? html`<tp-log id="panel-log" role="tabpanel" aria-labelledby="tab-log" ?hidden=${this.tab !== 'log'} .controller=${this.controller} @tp-select=${this.onSelect}></tp-log>`
              : nothing}
            ${this.made.has('composer')
              ? html`<tp-composer id="panel-composer" role="tabpanel" aria-labelledby="tab-composer" ?hidden=${this.tab !== 'composer'} .controller=${this.controller} @tp-acted=${this.onActed} @tp-select=${this.onSelect}></tp-composer>`
              : nothing}
            ${this.made.has('packet')
              ? html`<tp-inspector id="panel-packet" role="tabpanel" aria-labelledby="tab-packet" ?hidden=${this.tab !== 'packet'} .controller=${this.controller}></tp-inspector>`
              : nothing}
            ${this.made.has('sockets')
              ? html`<tp-sockets id="panel-sockets" role="tabpanel" aria-labelledby="tab-sockets" ?hidden=${this.tab !== 'sockets'} .controller=${this.controller} @tp-acted=${this.onActed}></tp-sockets>`
              : nothing}
            ${this.made.has('timeouts')
              ? html`<tp-timeouts id="panel-timeouts" role="tabpanel" aria-labelledby="tab-timeouts" ?hidden=${this.tab !== 'timeouts'} .controller=${this.controller} @tp-acted=${this.onActed}></tp-timeouts>`
              : nothing}
            ${this.made.has('topology')
              ? html`<tp-topology id="panel-topology" role="tabpanel" aria-labelledby="tab-topology" ?hidden=${this.tab !== 'topology'} .controller=${this.controller} @tp-acted=${this.onActed}></tp-topology>`
              : nothing}
            ${this.made.has('editor')
              ? html`<tp-editor id="panel-editor" role="tabpanel" aria-labelledby="tab-editor" ?hidden=${this.tab !== 'editor'} .doc=${this.doc} .editorHost=${this.editorHost}></tp-editor>`
              : nothing}
          </aside>
        </main>
        <tp-time-controls
          class="controls"
          .model=${this.controller?.model ?? null}
          @tp-control=${this.onControl}
          @tp-seek=${this.onSeek}
          @tp-speed=${this.onSpeed}
        ></tp-time-controls>
        ${this.showTour
          ? html`<tp-tour
              .steps=${[
                { text: 'tour.ladder', target: () => this.ladder },
                { text: 'tour.play', target: () => this.controls?.renderRoot.querySelector('.play') ?? null },
                { text: 'tour.lessons', target: () => this.renderRoot.querySelector('.lesson-select') },
              ]}
              @tp-tour-done=${this.onTourDone}
            ></tp-tour>`
          : ''}
      </div>
    `;
  }

  override updated(): void {
    this.sync();
  }
}
