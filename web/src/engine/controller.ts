// One playground's engine: loads a lesson, plays it in budgeted slices per animation frame,
// steps, and seeks. The page never calls the engine except through here (and feed.ts below it).
//
// Seeking back is the engine's seek() (a checkpoint restored and a short replay, under 50 ms):
// the model keeps what it read up to t and reads on from there.
import { Playground } from '../../api/playground';
import { LessonPoints } from '../model/lesson-points';
import { TraceModel } from '../model/trace-model';
import { EngineFeed } from './feed';
import { WarmUp } from './warm-up';

/** Engine work per animation frame (ms): runs and feed reads together. */
export const FRAME_BUDGET_MS = 8;
/** Main-thread work per frame the page aims at (ms): the engine's budget shrinks when drawing took more. */
const FRAME_WORK_MS = 16;
/** Events read per feed call: few, so the budget (checked between calls) is overrun by little. */
const FEED_PAGE = 256;

export const MIN_SPEED = 0.1;
export const MAX_SPEED = 10000;

export interface LessonSource {
  id: string;
  file: string;
  number: number;
  title: string;
  description: string;
  /** What to watch: text, with the trigger the engine matches (engine/scenario/watch.h). */
  watch: Array<string | { text: string; when?: Record<string, unknown> }>;
  json: string;
}

export class EngineController {
  readonly model = new TraceModel();
  /** The lesson's points reached (lesson_point events), read with the model. */
  readonly points = new LessonPoints();
  /** Pause when a lesson point is reached while playing ("stop at each point"). */
  stopAtPoints = false;
  feed!: EngineFeed;
  private pg!: Playground;
  lesson: LessonSource | null = null;
  playing = false;
  speed = 1;
  /** Virtual time a seek is running toward (ns), NaN when none. */
  seekTarget = NaN;
  private cursor = 0;
  /** After a seek back the cursor is ahead of the new run's trace until the run catches up. */
  private ahead = false;
  /** The engine has made events the model has not read yet. */
  private unread = false;
  private durationNs = 0;

  async init(): Promise<void> {
    this.pg = await Playground.create();
    this.feed = new EngineFeed(this.pg);
  }

  dispose(): void {
    this.warmUp?.stop();
    this.pg?.dispose();
  }

  /** The scratch run compiling the engine's code for the current lesson (see warm-up.ts). */
  warmUp: WarmUp | null = null;

  get now(): number {
    return this.pg && this.lesson ? this.pg.now() : 0;
  }

  get duration(): number {
    return this.durationNs;
  }

  get seeking(): boolean {
    return !Number.isNaN(this.seekTarget);
  }

  get atEnd(): boolean {
    return this.now >= this.durationNs;
  }

  /** Loads a lesson at 0 s, paused. Throws with the engine's message when it is invalid. */
  load(lesson: LessonSource): void {
    const r = this.pg.load(lesson.json);
    if (!r.ok) throw Object.assign(new Error(r.errors.map((e) => `${e.path}: ${e.message}`).join('; ')), { errors: r.errors });
    this.lesson = lesson;
    this.warmUp?.stop();
    this.warmUp = new WarmUp(lesson.json);
    this.points.reset(lesson.id);
    this.durationNs = this.pg.duration();
    this.playing = false;
    this.seekTarget = NaN;
    this.restartModel();
  }

  /** The scenario that runs, with the live actions recorded so far (Playground.scenario()). */
  scenario(): string {
    return this.lesson ? this.pg.scenario() : '';
  }

  /**
   * The loader's errors for `json`, [] when it is valid. The engine checks by loading, so a valid
   * text is loaded: call this only before loading the run (restoring saved work does).
   */
  check(json: string): Array<{ path: string; message: string }> {
    return this.pg.load(json).errors;
  }

  /** Each host's addresses ("10.0.0.1"), from the snapshot taken at load. */
  addresses: string[] = [];

  private restartModel(): void {
    const snap = this.pg.snapshot();
    this.addresses = snap.hosts.map((h) => h.addrs.join(', '));
    const hostIndex = new Map(snap.hosts.map((h, i) => [h.name, i]));
    this.feed.restart();
    this.model.reset({
      hosts: snap.hosts.map((h) => h.name),
      links: snap.links.map((l) => l.name),
      linkEnds: snap.links.map((l) => [hostIndex.get(l.a) ?? -1, hostIndex.get(l.b) ?? -1] as [number, number]),
      linkDelay: snap.links.map((l) => l.params.delay_ns),
    });
    this.cursor = 0;
    this.ahead = false;
  }

  /** Host addresses, for the ladder's headers. */
  hostAddresses(): string[] {
    return this.addresses;
  }

  play(): void {
    if (this.atEnd) this.seek(0);
    this.playing = true;
  }

  pause(): void {
    this.playing = false;
  }

  /**
   * Goes to virtual time t (ns). Forward: runs there in slices (tick() does it). Back: the
   * engine's seek, at once; the model keeps what it had up to t, so the view is right at once.
   */
  seek(t: number): void {
    t = Math.floor(Math.max(0, Math.min(t, this.durationNs)));
    if (t < this.now) {
      // The engine's trace now ends with the events at t, the same ones as before: the model
      // keeps those it has, and the feed goes on after them (the engine names packets, so
      // nothing before needs reading again).
      this.pg.seek(t);
      this.model.truncateToTime(t);
      this.points.truncateToTime(t);
      this.cursor = this.model.base + this.model.n;
      this.ahead = false;
      this.seekTarget = NaN;
      this.unread = true;
      return;
    }
    this.seekTarget = t > 0 ? t : NaN;
    if (t > 0 && this.now >= t) this.seekTarget = NaN;
  }

  /** Runs every event of the next instant of virtual time. */
  stepForward(): boolean {
    this.seekTarget = NaN;
    const next = this.pg.nextEventTime();
    if (next < 0 || next > this.durationNs) return false;
    this.feed.runUntil(next);
    this.pullAll();
    return true;
  }

  /** Back to the previous instant that had events (a seek). */
  stepBack(): boolean {
    const now = this.now;
    const m = this.model;
    let i = m.n - 1;
    while (i >= 0 && m.cols.time[i] >= now) --i;
    if (i < 0) {
      if (now > 0) this.seek(0);
      return now > 0;
    }
    this.seek(m.cols.time[i]);
    this.finishSeek();
    return true;
  }

  /** Runs through the next packet sent. */
  stepPacket(): boolean {
    this.seekTarget = NaN;
    const r = this.pg.stepPacket();
    this.pullAll();
    return r.sent;
  }

  /**
   * Runs a live action on the engine now (a socket operation, a parameter change: `f` gets the
   * Playground) and reads what it traced, so the views show it at once. Playback pauses; a
   * pending seek is completed first, so the action lands at the time shown. Returns the model
   * index of the first event the action traced (events from there on are its effects). The
   * engine's error (with `errors: [{path, message}]`) is thrown unchanged: nothing was done.
   */
  act(f: (pg: Playground) => void): number {
    this.playing = false;
    this.finishSeek();
    this.pullAll();
    const first = this.model.n;
    f(this.pg);
    this.unread = true;
    this.pullAll();
    return first;
  }

  /** Completes a pending seek now (for steps, which are small). */
  finishSeek(): void {
    if (!this.seeking) return;
    this.feed.runUntil(this.seekTarget);
    this.seekTarget = NaN;
    this.pullAll();
  }

  private pullAll(): void {
    for (;;) {
      if (!this.pull(Infinity)) break;
    }
  }

  /** Reads one feed page into the model; false when nothing was left. */
  private pull(deadline: number): boolean {
    if (performance.now() > deadline) return false;
    if (this.ahead) {
      // The feed refuses a cursor past its end: ask where the end is (one event's worth).
      if (this.cursor > this.feed.feed(0, 1).end) return false;
      this.ahead = false;
    }
    const page = this.feed.feed(this.cursor, FEED_PAGE);
    this.unread = page.next < page.end;
    if (!page.count) return false;
    this.cursor = page.next;
    this.model.append(page, () => this.feed.labels());
    this.points.append(page);
    return true;
  }

  /**
   * One animation frame of engine work: a seek or playback, then the new events, within
   * FRAME_BUDGET_MS (less when the views took long to draw: `drawMs`, the last frame's drawing).
   * `dtMs`: wall time since the last frame.
   */
  tick(dtMs: number, drawMs = 0): void {
    const start = performance.now();
    const deadline = start + Math.max(2, Math.min(FRAME_BUDGET_MS, FRAME_WORK_MS - drawMs));
    const wasPlaying = this.playing;
    // Reading comes first: the engine never runs far ahead of what the page shows.
    while (this.pull(deadline));
    if (performance.now() >= deadline) return this.stopAtPoint(wasPlaying);
    // Half of what is left runs the engine; the rest reads what it made.
    // The engine checks the clock only every few hundred events, so the budget is also given in
    // events, from what an event has cost lately (ms per event, a moving average).
    const ms = Math.max(1, (deadline - performance.now()) / 2);
    const budget = { maxMs: ms, maxEvents: Math.max(16, Math.min(20000, Math.floor(ms / this.msPerEvent))) };
    const runStart = performance.now();
    if (this.seeking) {
      const r = this.feed.runUntil(this.seekTarget, budget);
      if (r.reached) this.seekTarget = NaN;
      this.learn(r.events, performance.now() - runStart);
    } else if (this.playing) {
      this.playRun = true;
      const target = Math.min(this.durationNs, this.now + Math.min(dtMs, 100) * 1e6 * this.speed);
      this.learn(this.feed.runUntil(target, budget).events, performance.now() - runStart);
      if (this.now >= this.durationNs) this.playing = false;
    }
    while (this.pull(deadline));
    this.stopAtPoint(wasPlaying);
  }

  /** With stopAtPoints, pauses at a point just reached while playing (back at its time if the run went past it). */
  private stopAtPoint(wasPlaying: boolean): void {
    const fresh = this.points.takeNew();
    if (!fresh.length) {
      if (!this.unread) this.playRun = false;
      return;
    }
    // Events the playback ran (it may have reached the end, and stopped, before they were read).
    const fromPlay = wasPlaying || this.playRun;
    this.playRun = false;
    if (!this.stopAtPoints || !fromPlay) return;
    this.playing = false;
    if (this.now > fresh[0].time) this.seek(fresh[0].time);
  }

  /** The playback ran events that may not all be read yet. */
  private playRun = false;

  /**
   * Engine plus reading and deriving, ms per event (a moving average). It starts as what an
   * event costs while the engine's code is still being compiled (the browser compiles each
   * WebAssembly function on its first call): the first slices of a run are a few dozen events,
   * not hundreds, and the figure falls to the real cost within a few frames.
   */
  private msPerEvent = 0.1;

  private learn(events: number, ms: number): void {
    if (!events) return;
    this.unread = true;
    // Reading and deriving cost about as much again as running.
    if (events >= 16) this.msPerEvent = 0.8 * this.msPerEvent + 0.2 * Math.max(1e-4, (2 * ms) / events);
  }

  // --- the run as files (the Export menu, share links): reads only, the run is not changed ---

  /** The scenario as it runs now, live edits included (pg.scenario()). */
  scenarioText(): string {
    return this.pg.scenario();
  }

  /** The trace so far as pcap bytes. */
  pcapBytes(): Uint8Array {
    return this.pg.pcap();
  }

  /** The trace so far as JSON Lines (`tcpplay run --jsonl`). */
  jsonlText(): string {
    return this.pg.jsonl();
  }

  /** The trace so far as tcpdump-style text (`tcpplay run`). */
  tcpdumpText(): string {
    return this.pg.tcpdumpText();
  }

  /** Whether tick() has work to do. */
  get busy(): boolean {
    return this.playing || this.seeking || this.unread;
  }
}
