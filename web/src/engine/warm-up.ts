// Warms the engine's code for a lesson before it is played. The browser compiles a WebAssembly
// function the first time it is called, on the main thread (lazy compilation): the first slice
// of a fast run called most of the simulation for the first time and took 40-60 ms, one long
// task per run. Here a scratch playground runs the same scenario's first events in idle time,
// a few events per step, so that each step compiles a little; the run that the person starts
// then finds the code compiled. The scratch run shares nothing with the page's run (its own
// playground and simulation heap) and is freed when done.
import { Playground } from '../../api/playground';

/** Events the scratch run goes through: past the first checkpoint (every 16,384 events). */
const WARM_EVENTS = 20000;
/** Events per step while the code is cold, then once most of it is compiled. */
const COLD_STEP = 8;
const WARM_STEP = 512;
const COLD_STEPS = 64;
/** Wall time per step (ms). */
const STEP_MS = 4;
/** Bigger scenarios are not warmed: loading a second copy would itself be a long task. */
const MAX_SCENARIO_CHARS = 200_000;

type IdleHandle = { cancel(): void };

function idle(run: () => void): IdleHandle {
  // Safari has no requestIdleCallback: a timer then.
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(run, { timeout: 500 });
    return { cancel: () => cancelIdleCallback(id) };
  }
  const id = setTimeout(run, 30);
  return { cancel: () => clearTimeout(id) };
}

export class WarmUp {
  private pg: Playground | null = null;
  private handle: IdleHandle | null = null;
  private events = 0;
  private steps = 0;
  private stopped = false;
  /** Resolves when the scratch run is done (or was stopped). */
  readonly done: Promise<void>;
  private resolve!: () => void;

  constructor(private readonly json: string) {
    this.done = new Promise((r) => (this.resolve = r));
    if (json.length > MAX_SCENARIO_CHARS) this.stop();
    else this.handle = idle(() => void this.begin());
  }

  /** Stops and frees the scratch run (a new lesson, or the page goes away). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.handle?.cancel();
    this.handle = null;
    this.pg?.dispose();
    this.pg = null;
    this.resolve();
  }

  private async begin(): Promise<void> {
    if (this.stopped) return;
    try {
      this.pg = await Playground.create();
      if (this.stopped || !this.pg.load(this.json).ok) return this.stop();
    } catch {
      return this.stop();
    }
    this.handle = idle(this.step);
  }

  private step = (): void => {
    const pg = this.pg;
    if (this.stopped || !pg) return;
    try {
      const cold = this.steps++ < COLD_STEPS;
      const r = pg.runUntil(pg.duration(), { maxEvents: cold ? COLD_STEP : WARM_STEP, maxMs: STEP_MS });
      this.events += r.events;
      if (r.reached || r.events === 0 || this.events >= WARM_EVENTS) return this.stop();
    } catch {
      return this.stop();
    }
    this.handle = idle(this.step);
  };
}
