// Virtual time to ladder pixels: linear at `scale` px/ns, except that quiet stretches longer than
// FOLD_TRIGGER_PX on screen fold into a fixed GAP_PX band ("350 s idle"), so a 350 s timeout
// lesson fits while a 1 ms link delay still shows as a slope.
import { lowerBound, upperBound } from '../model/trace-model';

/** A quiet stretch longer than this on screen is folded. */
export const FOLD_TRIGGER_PX = 110;
/** The height of a fold. */
export const GAP_PX = 34;
/** True time kept on each side of a fold, so arrows near it keep their slope. */
export const FOLD_PAD_PX = 22;

export class TimeAxis {
  /** px per ns */
  scale = 1e-6;
  /** Folds: [start, end) in ns, y of the start, and the idle time they stand for. */
  foldStart = new Float64Array(64);
  foldEnd = new Float64Array(64);
  foldY = new Float64Array(64);
  foldIdle = new Float64Array(64);
  folds = 0;
  /** The last time the mapping covers (the present, or the last event). */
  end = 0;

  /**
   * Rebuilds the folds from event times (sorted) up to `end` (the playhead), when anything they
   * depend on changed.
   */
  build(times: Float64Array, n: number, end: number, version: number): void {
    void version;
    // Incremental: the folds between events only change when the scale does or the run is
    // cut (a seek back); new events only add folds at the end. The last stretch, from the last
    // event to `end` (the present), is folded afresh each time.
    if (this.scale !== this.builtScale || n < this.builtN || (this.builtN > 0 && times[this.builtN - 1] !== this.lastT)) {
      this.builtScale = this.scale;
      this.builtN = 0;
      this.committed = 0;
      this.prev = 0;
    }
    const trigger = FOLD_TRIGGER_PX / this.scale;
    const pad = FOLD_PAD_PX / this.scale;
    this.folds = this.committed;
    const limit = n;
    for (let i = this.builtN; i < limit; ++i) {
      const t = times[i];
      if (t - this.prev > trigger) this.fold(this.prev, t, pad);
      if (t > this.prev) this.prev = t;
    }
    this.builtN = limit;
    this.lastT = limit ? times[limit - 1] : 0;
    this.committed = this.folds;
    this.end = Math.max(end, this.prev);
    if (this.end - this.prev > trigger) this.fold(this.prev, this.end, pad);
  }

  private builtScale = -1;
  private builtN = 0;
  private committed = 0;
  private prev = 0;
  private lastT = 0;

  private fold(from: number, to: number, pad: number): void {
    const s = from + pad;
    const e = to - pad;
    const y = this.folds ? this.foldY[this.folds - 1] + GAP_PX + (s - this.foldEnd[this.folds - 1]) * this.scale : s * this.scale;
    this.push(s, e, y, to - from);
  }

  private push(s: number, e: number, y: number, idle: number): void {
    if (this.folds === this.foldStart.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.foldStart = grow(this.foldStart);
      this.foldEnd = grow(this.foldEnd);
      this.foldY = grow(this.foldY);
      this.foldIdle = grow(this.foldIdle);
    }
    this.foldStart[this.folds] = s;
    this.foldEnd[this.folds] = e;
    this.foldY[this.folds] = y;
    this.foldIdle[this.folds] = idle;
    ++this.folds;
  }

  /** y (px from the top of the content) of time t. */
  y(t: number): number {
    const k = upperBound(this.foldStart, this.folds, t) - 1;
    if (k < 0) return t * this.scale;
    const s = this.foldStart[k];
    const e = this.foldEnd[k];
    if (t < e) return this.foldY[k] + ((t - s) / (e - s)) * GAP_PX;
    return this.foldY[k] + GAP_PX + (t - e) * this.scale;
  }

  /** The time at content y (the inverse of y()). */
  t(y: number): number {
    // foldY is increasing: find the last fold starting at or above y.
    const k = upperBound(this.foldY, this.folds, y) - 1;
    if (k < 0) return y / this.scale;
    const fy = this.foldY[k];
    if (y < fy + GAP_PX) return this.foldStart[k] + ((y - fy) / GAP_PX) * (this.foldEnd[k] - this.foldStart[k]);
    return this.foldEnd[k] + (y - fy - GAP_PX) / this.scale;
  }

  /** The folds whose band meets [y0, y1]: index range [a, b). */
  foldsIn(y0: number, y1: number): [number, number] {
    const a = Math.max(0, upperBound(this.foldY, this.folds, y0 - GAP_PX) - 0);
    const b = lowerBound(this.foldY, this.folds, y1 + 1);
    return [Math.min(a, b), b];
  }
}
