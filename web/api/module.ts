// Types of the raw WebAssembly module (build/wasm/tcpplay.js, wasm_bindings/bindings.cpp).
// Most code should use the Playground class in playground.ts instead.
import type { RawFeedPage } from './feed.js';

/** What a budgeted run returns. */
export interface RawRunResult {
  now: number;
  reached: boolean;
  events: number;
  sent: boolean;
}

/** One engine instance as Embind exposes it. Methods throw an Error on failure. */
export interface RawPlayground {
  load(json: string): string;
  reset(): void;
  setPath(path: string, value: string): void;
  runNumber(): number;
  loaded(): boolean;
  runUntil(ns: number): void;
  runUntilText(duration: string): void;
  /** At most maxEvents events (0: no limit); the wrapper makes time budgets of these. */
  runUntilBudget(ns: number, maxEvents: number): RawRunResult;
  stepPacketBudget(maxEvents: number): RawRunResult;
  step(): boolean;
  stepPacket(): boolean;
  now(): number;
  nextEventTime(): number;
  duration(): number;
  apply(actionJson: string): void;
  setLink(link: string, paramsJson: string): void;
  suggestSeqAck(host: string, to: string, srcPort: number, dstPort: number): string;
  eventsSince(cursor: number, maxEvents: number): string;
  feedFill(cursor: number, maxEvents: number): RawFeedPage;
  feedLabels(): string;
  eventText(index: number): string;
  hostNames(): string;
  linkNames(): string;
  snapshot(): string;
  series(connId: number, since: number): string;
  pcap(): Uint8Array;
  /** A copy of one packet's wire bytes. */
  packetBytes(id: number): Uint8Array;
  /** Its dissection as JSON text ({id, length, layers, error?}). */
  packetFields(id: number): string;
  tcpdumpText(): string;
  jsonl(): string;
  /** JSON Lines with each packet's payload: `payload` "none", "text" or "hex". */
  jsonlWith(payload: string): string;
  scenario(): string;
  /** Seeking (engine/api/playground_seek.cpp). */
  seek(ns: number): void;
  stepBack(): boolean;
  undoLastAction(): void;
  /** The recorded actions as JSON text. */
  actions(): string;
  /** Checkpoint memory as JSON text. */
  checkpointStats(): string;
  eventsRun(): number;
  /** Frees the C++ object (Embind). */
  delete(): void;
  isDeleted(): boolean;
}

/** The instantiated module. */
export interface TcpPlayModule {
  Playground: new () => RawPlayground;
  /** A duration ("2s") or a count of nanoseconds as text, in ns; throws when it is neither. */
  parseTime(text: string): number;
  /** The parameter catalogue as JSON text (Playground.parameters()). */
  parameters(): string;
  /** Bytes allocated on the wasm heap now (for leak checks). */
  heapUsed(): number;
  /** The wasm memory; its length is the heap size, which only grows. */
  HEAP8: Int8Array;
}

/** What the module script defines: `TcpPlayModule` (a global in a page, module.exports in Node). */
export type TcpPlayModuleFactory = (options?: Record<string, unknown>) => Promise<TcpPlayModule>;
