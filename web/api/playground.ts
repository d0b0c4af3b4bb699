// The JavaScript API of the engine: a small typed wrapper over the WebAssembly module.
//
//   const pg = await Playground.create();          // in a page: after <script src="tcpplay.js">
//   const { ok, errors } = pg.load(scenarioJson);
//   pg.runUntil('2s');
//   const page = pg.eventsSince(cursor); cursor = page.next;
//   pg.dispose();
//
// Every method that fails throws an Error whose message is the one the CLI prints for the same
// problem ("/timeline/3/socket: unknown socket \"c9\""); the playground keeps working after it.
// All logic lives in C++ (engine/api/playground.h); this file converts arguments and results.
import type { RawPlayground, TcpPlayModule, TcpPlayModuleFactory } from './module.js';
import { viewFeedPage, type FeedPage } from './feed.js';
import type {
  Budget,
  RunResult,
  StepResult,
  ConnectOptions,
  EventsPage,
  LinkParams,
  ListenOptions,
  LoadResult,
  MemoryStats,
  PacketDetail,
  PacketLayer,
  DissectError,
  RecordedAction,
  ParamDef,
  ParamValue,
  ScenarioError,
  SegmentSpec,
  SendData,
  Series,
  SocketRef,
  Snapshot,
  Time,
} from './types.js';

export type * from './types.js';
export * from './feed.js';
export type { RawPlayground, TcpPlayModule, TcpPlayModuleFactory } from './module.js';

export interface CreateOptions {
  /** The module factory; default: the global `TcpPlayModule` that tcpplay.js defines. */
  factory?: TcpPlayModuleFactory;
}

/** One module instance per factory, shared by every Playground made from it. */
const modules = new WeakMap<TcpPlayModuleFactory, Promise<TcpPlayModule>>();

function instantiate(factory: TcpPlayModuleFactory): Promise<TcpPlayModule> {
  let m = modules.get(factory);
  if (!m) {
    m = factory();
    modules.set(factory, m);
  }
  return m;
}

function defaultFactory(): TcpPlayModuleFactory {
  const f = (globalThis as { TcpPlayModule?: TcpPlayModuleFactory }).TcpPlayModule;
  if (typeof f !== 'function') {
    throw new Error(
      'TcpPlayModule is not loaded: add <script src="tcpplay.js"></script> before this script, ' +
        'or pass { factory } to Playground.create()',
    );
  }
  return f;
}

/** The action field that names a connection: its socket name, or its trace id. */
function socketField(socket: SocketRef): { socket: string } | { conn: number } {
  return typeof socket === 'number' ? { conn: socket } : { socket };
}

/** Events run between two readings of the clock under a time budget. */
const BUDGET_CHUNK = 512;

export class Playground {
  /** The module this playground runs in. */
  readonly module: TcpPlayModule;
  private raw: RawPlayground | null;

  private constructor(module: TcpPlayModule) {
    this.module = module;
    this.raw = new module.Playground();
  }

  /** Loads the module (once per factory) and makes an empty playground. */
  static async create(options: CreateOptions = {}): Promise<Playground> {
    const module = await instantiate(options.factory ?? defaultFactory());
    return new Playground(module);
  }

  // --- loading -------------------------------------------------------------------------------

  /**
   * Checks and loads a scenario (JSON text or an object). On errors the previous scenario stays
   * loaded; each error has the JSON path and the message of `tcpplay validate`.
   */
  load(scenario: string | object): LoadResult {
    const text = typeof scenario === 'string' ? scenario : JSON.stringify(scenario);
    const errors = JSON.parse(this.engine.load(text)) as ScenarioError[];
    return { ok: errors.length === 0, errors };
  }

  /** Restarts the current scenario (live edits included) from time 0. */
  reset(): void {
    this.engine.reset();
  }

  /** Changes one value of the scenario document (the CLI's --set) and restarts from time 0. */
  setPath(path: string, value: ParamValue): void {
    this.engine.setPath(path, typeof value === 'string' ? value : JSON.stringify(value));
  }

  // --- running -------------------------------------------------------------------------------

  /**
   * Runs every event up to virtual time `t` (ns, or a duration like "2s"). With a budget it may
   * stop early (`reached: false`, the clock at the last event run): call again next frame.
   */
  runUntil(t: Time, budget: Budget = {}): RunResult {
    const ns = typeof t === 'number' ? t : this.module.parseTime(t);
    const { now, reached, events } = this.budgeted(budget, (n) => this.engine.runUntilBudget(ns, n));
    return { now, reached, events };
  }

  /** Runs one event; false when none is left. */
  step(): boolean {
    return this.engine.step();
  }

  /**
   * Runs events up to and including the next packet sent. `sent` is false when the events ran
   * out first, or (with `reached: false`) when the budget did.
   */
  stepPacket(budget: Budget = {}): StepResult {
    return this.budgeted(budget, (n) => this.engine.stepPacketBudget(n));
  }

  /**
   * Runs `chunk(n)` (at most n events) until it reaches its goal or the budget is spent. The
   * engine reads no clock: a time budget is chunks of BUDGET_CHUNK events with
   * performance.now() read between them, so a call overruns maxMs by at most one chunk.
   */
  private budgeted(budget: Budget, chunk: (maxEvents: number) => StepResult): StepResult {
    const maxEvents = budget.maxEvents ?? 0;
    const maxMs = budget.maxMs ?? 0;
    if (!(maxMs >= 0)) throw new TypeError(`budget: maxMs must be a number of 0 or more, got ${maxMs}`);
    if (maxMs === 0) return chunk(maxEvents);
    const start = performance.now();
    let events = 0;
    for (;;) {
      const n = maxEvents ? Math.min(BUDGET_CHUNK, maxEvents - events) : BUDGET_CHUNK;
      const r = chunk(n);
      events += r.events;
      const spent = (maxEvents && events >= maxEvents) || performance.now() - start >= maxMs;
      if (r.reached || spent) return { ...r, events };
    }
  }

  /** Virtual time now (ns). */
  now(): number {
    return this.engine.now();
  }

  /** Time of the next pending event (ns), -1 when there is none. */
  nextEventTime(): number {
    return this.engine.nextEventTime();
  }

  /** The scenario's duration (ns): how far `tcpplay run` goes. */
  duration(): number {
    return this.engine.duration();
  }

  // --- live edits: socket operations ---------------------------------------------------------

  /**
   * Any timeline action, run now and recorded in scenario(): {do: "send", socket: "c1", ...}.
   * The named methods below are shorthands for the common ones.
   */
  action(action: { do: string; [key: string]: unknown }): void {
    this.engine.apply(JSON.stringify(action));
  }

  listen(host: string, port: number, options: ListenOptions = {}): void {
    this.action({ do: 'listen', host, port, ...options });
  }

  /** Opens a connection from `host` to `to` (host name or address); `name` names the socket. */
  connect(host: string, to: string, port: number, name: string, options: ConnectOptions = {}): void {
    this.action({ do: 'connect', host, to, port, name, ...options });
  }

  /**
   * Sends on a connection: `socket` is its name ("c1") or its trace id (a number: any
   * connection, one an app or a middlebox opened too; see controlling by id in the README).
   */
  send(socket: SocketRef, data: SendData, options: { urgent?: boolean } = {}): void {
    const payload = typeof data === 'string' ? { text: data } : { bytes: data.bytes };
    this.action({ do: 'send', ...socketField(socket), ...payload, ...options });
  }

  /** Reads up to `bytes` on a socket whose data waits for the application (auto_read false). */
  read(socket: SocketRef, bytes: number): void {
    this.action({ do: 'read', ...socketField(socket), bytes });
  }

  /** Half-close: sends FIN after the queued data and keeps receiving. */
  shutdown(socket: SocketRef): void {
    this.action({ do: 'shutdown', ...socketField(socket) });
  }

  /** Closes a connection (by name or id), stops a named listener, or closes a UDP socket. */
  close(socket: SocketRef): void {
    this.action({ do: 'close', ...socketField(socket) });
  }

  /** Sends RST and drops the connection (by name or id). */
  abort(socket: SocketRef): void {
    this.action({ do: 'abort', ...socketField(socket) });
  }

  /**
   * Sets a TCP parameter of one connection (by name or id: "nagle", false). An armed timer
   * whose length it is moves to its start + the new length (at once if that has passed).
   */
  setOption(socket: SocketRef, param: string, value: ParamValue): void {
    const target = typeof socket === 'number' ? `conn:${socket}` : `socket:${socket}`;
    this.action({ do: 'set', target, param, value });
  }

  /** Sets a TCP parameter of a host, for its connections opened afterwards. */
  setTcp(host: string, param: string, value: ParamValue): void {
    this.action({ do: 'set', target: `tcp:${host}`, param, value });
  }

  /**
   * Sets every TCP default of a host at once to a profile's ("rfc", "linux", "windows"), for its
   * connections opened afterwards (open ones keep theirs). Recorded as the action
   * `{do: "set", target: "tcp:HOST", param: "profile", value}`, so it replays. An unknown profile
   * throws `/timeline/N/value: unknown TCP profile "bsd" ...`.
   */
  setProfile(host: string, profile: string): void {
    this.setTcp(host, 'profile', profile);
  }

  /**
   * Changes link parameters now ({loss: 0.1, delay: "50ms", up: false}): all of them, or none
   * when one is wrong (the error names it: "set_link: delay: ..."). Packets already on the
   * wire keep their arrival time; later ones see the new values.
   */
  setLink(link: string, params: LinkParams): void {
    this.engine.setLink(link, JSON.stringify(params));
  }

  /**
   * Changes a live parameter of an application now (`{do: "set", target: "app:NAME", param,
   * value}`, recorded): http_server processing_time, timeout, on_timeout, keep_alive_timeout;
   * http_client request_timeout, pool.idle_timeout. A timer already armed keeps its start and
   * takes the new length (at once if that has passed). Errors name the field:
   * `/timeline/N/param: "port" of a http_server cannot change while running (live: ...)`.
   */
  setApp(name: string, param: string, value: ParamValue): void {
    this.action({ do: 'set', target: `app:${name}`, param, value });
  }

  /**
   * Changes a live parameter of a middlebox now (`{do: "set", target: "middlebox:NAME", param,
   * value}`, recorded): alb idle_timeout, connect_timeout, close_with ("fin" | "rst"); nlb
   * tcp_idle_timeout, udp_idle_timeout. Armed timers follow as in setApp().
   */
  setMiddlebox(name: string, param: string, value: ParamValue): void {
    this.action({ do: 'set', target: `middlebox:${name}`, param, value });
  }

  /** Loses the next `count` packets that `host` sends on `link` (traced as dropped). */
  dropNext(link: string, host: string, count = 1): void {
    this.action({ do: 'drop', link, host, count });
  }

  /** Manual mode: the host's TCP stays silent, and a person answers with inject(). */
  setManual(host: string, on: boolean): void {
    this.action({ do: 'manual', host, on });
  }

  /** Sends a crafted TCP segment. */
  inject(segment: SegmentSpec): void {
    this.action({ do: 'inject', ...segment });
  }

  /** The seq/ack that inject() fills in when they are left out. */
  suggestSeqAck(host: string, to: string, srcPort: number, dstPort: number): { seq: number; ack: number } {
    return JSON.parse(this.engine.suggestSeqAck(host, to, srcPort, dstPort)) as { seq: number; ack: number };
  }

  /** Binds a UDP socket (port 0: an ephemeral one). */
  udpBind(host: string, port: number, name: string): void {
    this.action({ do: 'udp_bind', host, port, name });
  }

  /**
   * Sends one datagram from a bound UDP socket to `to` (host name or address) and `port`: text,
   * `{hex: "de ad be ef"}` (byte pairs, spaces allowed) or `{bytes: n}` generated bytes.
   */
  udpSend(socket: string, to: string, port: number, data: SendData | { hex: string }): void {
    const payload = typeof data === 'string' ? { text: data } : 'hex' in data ? { hex: data.hex } : { bytes: data.bytes };
    this.action({ do: 'udp_send', socket, to, port, ...payload });
  }

  /** Adds a note to the trace. */
  note(text: string): void {
    this.action({ do: 'note', text });
  }

  // --- the parameter catalogue ---------------------------------------------------------------

  /**
   * Every TCP, link, app and middlebox parameter: name, type, unit, range or values, default
   * per profile, whether it changes live, its timer, and a description. Needs no scenario.
   */
  parameters(): ParamDef[] {
    return JSON.parse(this.module.parameters()) as ParamDef[];
  }

  // --- reading -------------------------------------------------------------------------------

  /**
   * Trace events from `cursor` on (at most `maxEvents`); continue with the returned `next`.
   * Cheap to call every frame: it never re-serializes the history.
   */
  eventsSince(cursor: number, maxEvents = 2000): EventsPage {
    return JSON.parse(this.engine.eventsSince(cursor, maxEvents)) as EventsPage;
  }

  /**
   * The binary feed: events from `cursor` on (at most `maxEvents`) as typed-array columns, the
   * fast way to follow a run (continue with the returned `next`). Strings are label ids
   * (labels()) or fetched on demand (eventText()). The columns are views into the module's
   * memory, valid until the next call on this playground: copy what you keep (copyFeedPage, or
   * `set` them into arrays of your own).
   */
  feed(cursor: number, maxEvents = 16384): FeedPage {
    return viewFeedPage(this.module, this.engine.feedFill(cursor, maxEvents));
  }

  /** Label text by id, for the feed's name/from/to/tag columns. Ids only grow during a run. */
  labels(): string[] {
    return JSON.parse(this.engine.feedLabels()) as string[];
  }

  /** A packet_sent's tcpdump line, or another event's detail; '' if none or no longer retained. */
  eventText(index: number): string {
    return this.engine.eventText(index);
  }

  /** Host names by index (the feed's host column). */
  hostNames(): string[] {
    return JSON.parse(this.engine.hostNames()) as string[];
  }

  /** Link names by index (the feed's link column). */
  linkNames(): string[] {
    return JSON.parse(this.engine.linkNames()) as string[];
  }

  /** Every host, listener, socket, connection (with timers), link and component now. */
  snapshot(): Snapshot {
    return JSON.parse(this.engine.snapshot()) as Snapshot;
  }

  /**
   * A connection's cwnd, ssthresh, in-flight, SRTT, RTO and rwnd over time, live or closed:
   * the samples from cursor `since` on. Pass 0, then the previous result's `next`; when
   * `reset` is true the series was thinned since, and the result holds every sample again
   * (replace what you kept instead of appending).
   */
  series(connId: number, since = 0): Series {
    return JSON.parse(this.engine.series(connId, since)) as Series;
  }

  /** The packets sent so far as a pcap file. */
  pcap(): Uint8Array {
    return this.engine.pcap();
  }

  /**
   * One packet of the trace by id: its bytes (as pcap() writes them) and every field of every
   * layer with its offset and length in those bytes, for a packet inspector. Throws when the id
   * was never assigned or the trace's retention dropped it.
   */
  packet(id: number): PacketDetail {
    const bytes = this.engine.packetBytes(id);
    const fields = JSON.parse(this.engine.packetFields(id)) as {
      layers: PacketLayer[];
      error?: DissectError;
    };
    const detail: PacketDetail = { id, bytes, layers: fields.layers };
    if (fields.error) detail.error = fields.error;
    return detail;
  }

  /** tcpdump-style text of the whole trace, as `tcpplay run` prints it. */
  tcpdumpText(): string {
    return this.engine.tcpdumpText();
  }

  /**
   * The whole trace as JSON Lines, as `tcpplay run --jsonl` writes it. With `{payload: 'text'}`
   * (or `'hex'`) each packet's "pkt" object also has "payload" (`--jsonl-payload`): text keeps
   * printable ASCII, \r \n \t and escapes every other byte as \u00XX, so a trace alone shows an
   * HTTP status line; hex is two lower-case digits per byte. Throws on another value.
   */
  jsonl(options: { payload?: 'none' | 'text' | 'hex' } = {}): string {
    const payload = options.payload ?? 'none';
    return payload === 'none' ? this.engine.jsonl() : this.engine.jsonlWith(payload);
  }

  /** The current scenario, live edits included, as JSON text (save it to share a session). */
  scenario(): string {
    return this.engine.scenario();
  }

  // --- seeking, branches and undo ------------------------------------------------------------

  /**
   * Goes to virtual time `t` (ns, or a duration like "2s"), back or forward, at once: back
   * restores the newest checkpoint before `t` and replays from it (under 50 ms for any time of
   * a 200,000-event run). After it the trace, snapshots and series are those of the run at `t`:
   * the trace ends where it ended then (read on from at most that `end`; events before it are
   * unchanged), and the run number stays the same.
   *
   * The rule for live actions: seeking back alone changes nothing (the actions after `t` stay
   * recorded, `ahead` in actions(), and run again at their place when playing on); acting while
   * actions are ahead (acting in the past) starts a new branch: those actions are dropped and
   * scenario() has the new branch only.
   */
  seek(t: Time): void {
    this.engine.seek(typeof t === 'number' ? t : this.module.parseTime(t));
  }

  /** Goes back one event (with the actions recorded right after it); false at time 0 with no event run. */
  stepBack(): boolean {
    return this.engine.stepBack();
  }

  /** Drops the last recorded action and goes to where it was taken (just before it). Throws when there is none. */
  undoLastAction(): void {
    this.engine.undoLastAction();
  }

  /** The recorded live actions in order, with those after the playhead marked `ahead`. */
  actions(): RecordedAction[] {
    const raw = JSON.parse(this.engine.actions()) as {
      index: number;
      at: number;
      after_events: number;
      ahead: boolean;
      action: RecordedAction['action'];
    }[];
    return raw.map((a) => ({ index: a.index, at: a.at, afterEvents: a.after_events, ahead: a.ahead, action: a.action }));
  }

  /** Events run since time 0. */
  eventsRun(): number {
    return this.engine.eventsRun();
  }

  /** Wasm heap use (for leak checks), checkpoint memory and the simulation's own heap (zeros after dispose()). */
  memoryStats(): MemoryStats {
    // After dispose() only the module's figures are left.
    const cp = JSON.parse(this.raw ? this.raw.checkpointStats() : '{"count":0,"bytes":0,"staging_bytes":0,"arena_bytes":0,"arena_in_use":0}') as {
      count: number;
      bytes: number;
      staging_bytes: number;
      arena_bytes: number;
      arena_in_use: number;
    };
    return {
      heapUsed: this.module.heapUsed(),
      heapSize: this.module.HEAP8.length,
      checkpoints: cp.count,
      checkpointBytes: cp.bytes,
      checkpointStagingBytes: cp.staging_bytes,
      simHeapBytes: cp.arena_bytes,
      simHeapInUse: cp.arena_in_use,
    };
  }

  // --- lifetime ------------------------------------------------------------------------------

  /** Frees the engine. The playground cannot be used afterwards; calling dispose again is fine. */
  dispose(): void {
    if (this.raw) {
      this.raw.delete();
      this.raw = null;
    }
  }

  get disposed(): boolean {
    return this.raw === null;
  }

  private get engine(): RawPlayground {
    if (!this.raw) throw new Error('this Playground was disposed');
    return this.raw;
  }
}
