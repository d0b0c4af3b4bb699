// A lesson's points: the lesson_point events of the run (a watch item whose trigger the engine
// matched, engine/scenario/watch.h), read from each feed page as it arrives, and which points
// have been seen (kept across seeks, per lesson, for the picker's progress). No DOM here.
import { FeedPage, Kind } from '../engine/feed';

export interface LessonPoint {
  /** The watch item's number, from 1. */
  n: number;
  /** Virtual time (ns). */
  time: number;
  /** Host index, -1 for none. */
  host: number;
  /** Connection id, -1 for none. */
  conn: number;
  /** Trace index of the lesson_point event (the matched event is the one before it). */
  index: number;
}

export class LessonPoints {
  /** Points reached in the current run, in trace order. */
  list: LessonPoint[] = [];
  /** Grows with every change. */
  version = 0;
  /** Points seen (numbers) per lesson id, across seeks and lesson changes. */
  private seenBy = new Map<string, Set<number>>();
  private lesson = '';
  /** Points added since the last takeNew(). */
  private fresh: LessonPoint[] = [];

  reset(lesson: string): void {
    this.lesson = lesson;
    this.list = [];
    this.fresh = [];
    ++this.version;
  }

  /** Reads the lesson_point rows of a feed page (row r is trace event page.next - page.count + r). */
  append(page: FeedPage): void {
    const c = page.cols;
    const first = page.next - page.count;
    for (let r = 0; r < page.count; ++r) {
      if (c.kind[r] !== Kind.LessonPoint) continue;
      const p = { n: c.original[r], time: c.time[r], host: c.host[r], conn: c.conn[r], index: first + r };
      this.list.push(p);
      this.fresh.push(p);
      this.seen(this.lesson).add(p.n);
      ++this.version;
    }
  }

  /** Keeps the points at or before time t (a seek back; the engine reruns to t). */
  truncateToTime(t: number): void {
    const before = this.list.length;
    this.list = this.list.filter((p) => p.time <= t);
    this.fresh = [];
    if (this.list.length !== before) ++this.version;
  }

  /** The points added since the last call. */
  takeNew(): LessonPoint[] {
    const out = this.fresh;
    this.fresh = [];
    return out;
  }

  /** The points of lesson `id` seen so far (numbers from 1). */
  seen(id: string): Set<number> {
    let s = this.seenBy.get(id);
    if (!s) this.seenBy.set(id, (s = new Set()));
    return s;
  }

  /** The latest point at or before time t, or null. */
  latestAt(t: number): LessonPoint | null {
    for (let i = this.list.length - 1; i >= 0; --i) if (this.list[i].time <= t) return this.list[i];
    return null;
  }
}
