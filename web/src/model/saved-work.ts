// Never losing work: the current work of one playground element, kept in the browser's
// localStorage as the person works, so that a reload, a crash or a closed tab gives it back.
//
//   const store = new SavedWork('default', () => showOnce('storage is off'));
//   store.saveSoon(() => current());   // on every edit: written 300 ms after the last one
//   store.saveNow(() => current());    // after a live action, on pagehide
//   const w = store.read();            // at start: null when nothing (valid) was saved
//
// One key per element (`tcpplay.work.<id>`, id from the element's id attribute, else
// "default"), so that a page embedding several playgrounds keeps each one's work apart.
// Storage that fails (quota, disabled, file:// quirks) never throws out of here: the page goes on,
// and `onFail` is called once.

/** What is saved: enough to give the person back exactly what they left. */
export interface Work {
  /** Format of this record. */
  v: 1;
  /** The editor's text as the person left it, valid or not. */
  text: string;
  /** The text was what ran (applied), changed since (edited), or refused by the loader (invalid). */
  state: 'applied' | 'edited' | 'invalid';
  /** The scenario that ran, live actions included (Playground.scenario()). */
  scenario: string;
  /** The lesson's id when the run is that lesson unchanged, else null. */
  lesson: string | null;
  /** Virtual time the person was at (ns); restored paused there. */
  t: number;
  /** When it was saved (ms since 1970), for the person's information. */
  savedAt: number;
}

export const WORK_KEY_PREFIX = 'tcpplay.work.';
/** Edits are written this long after the last keystroke (ms). */
export const SAVE_DELAY_MS = 300;

function isWork(w: unknown): w is Work {
  if (!w || typeof w !== 'object') return false;
  const o = w as Record<string, unknown>;
  return (
    o.v === 1 &&
    typeof o.text === 'string' &&
    (o.state === 'applied' || o.state === 'edited' || o.state === 'invalid') &&
    typeof o.scenario === 'string' &&
    (o.lesson === null || typeof o.lesson === 'string') &&
    typeof o.t === 'number' &&
    Number.isFinite(o.t) &&
    typeof o.savedAt === 'number'
  );
}

export class SavedWork {
  readonly key: string;
  /** Storage failed at least once (the page said so). */
  failed = false;
  private timer = 0;
  private pending: (() => Work) | null = null;

  /** `id`: the element's id ('' -> "default"); `onFail`: called the first time storage fails. */
  constructor(
    id: string,
    private readonly onFail: (error: string) => void,
  ) {
    this.key = WORK_KEY_PREFIX + (id || 'default');
  }

  /** The saved work, or null (none, unreadable, or from another format). */
  read(): Work | null {
    try {
      const raw = localStorage.getItem(this.key);
      if (!raw) return null;
      const w: unknown = JSON.parse(raw);
      return isWork(w) ? w : null;
    } catch (e) {
      this.fail(e);
      return null;
    }
  }

  /** Saves what `snapshot()` gives SAVE_DELAY_MS after the last call (typing saves once). */
  saveSoon(snapshot: () => Work): void {
    this.pending = snapshot;
    clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this.flush(), SAVE_DELAY_MS);
  }

  /** Saves at once (a live action, the page going away). */
  saveNow(snapshot: () => Work): void {
    this.pending = snapshot;
    this.flush();
  }

  /** Writes a pending save now, if there is one. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = 0;
    const snapshot = this.pending;
    this.pending = null;
    if (!snapshot) return;
    try {
      localStorage.setItem(this.key, JSON.stringify(snapshot()));
    } catch (e) {
      this.fail(e);
    }
  }

  /** Forgets the saved work (and a pending save). */
  clear(): void {
    clearTimeout(this.timer);
    this.pending = null;
    try {
      localStorage.removeItem(this.key);
    } catch (e) {
      this.fail(e);
    }
  }

  private fail(e: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.onFail(e instanceof Error ? e.message : String(e));
  }
}
