// The scenario document as the person edits it, apart from the editor that shows it (the editor
// tab is made only when first opened; the document exists from the start, so that restored work
// and live actions are kept either way).
import { locateErrors, type LocatedError } from './pointer';

/** applied: the text is what runs; edited: changed since, not tried yet; invalid: tried, refused. */
export type DocState = 'applied' | 'edited' | 'invalid';

export class ScenarioDoc {
  /** The text as typed. */
  text = '';
  /** The text the run came from (what "no unapplied changes" compares with). */
  base = '';
  state: DocState = 'applied';
  /** The loader's errors for `text`, placed at their lines (state 'invalid'). */
  errors: LocatedError[] = [];
  /** The run changed (a live action, another scenario) while the text had unapplied edits. */
  runChanged = false;
  /** Bumped on every change, for views that redraw. */
  version = 0;

  get dirty(): boolean {
    return this.text !== this.base;
  }

  /** The person typed. */
  edit(text: string): void {
    if (text === this.text) return;
    this.text = text;
    this.state = this.dirty ? 'edited' : 'applied';
    if (!this.dirty) this.errors = [];
    this.version++;
  }

  /** `text` was applied (errors empty: it runs now) or refused (its errors are marked). */
  tried(text: string, errors: Array<{ path: string; message: string }>): void {
    this.text = text;
    if (errors.length) {
      this.state = 'invalid';
      this.errors = locateErrors(text, errors);
    } else {
      this.base = text;
      this.state = 'applied';
      this.errors = [];
      this.runChanged = false;
    }
    this.version++;
  }

  /**
   * The run's scenario changed (live action, lesson): shown at once when nothing is unapplied,
   * else kept for the person to choose (`runChanged`: "reload document" or "keep mine").
   */
  fromRun(scenario: string): void {
    if (this.dirty || this.state === 'invalid') {
      this.pending = scenario;
      if (scenario !== this.base) this.runChanged = true;
    } else {
      this.text = this.base = scenario;
      this.state = 'applied';
      this.errors = [];
      this.runChanged = false;
    }
    this.version++;
  }

  /** The run's scenario last reported while the text had unapplied edits. */
  private pending = '';

  /** "Reload document": drops the unapplied edits and shows what runs. */
  reloadFromRun(scenario = this.pending): void {
    this.base = '';
    this.text = '';
    this.state = 'applied';
    this.fromRun(scenario);
  }

  /** "Keep mine": the notice goes; the text stays as typed, with its unapplied edits. */
  keepMine(): void {
    this.base = this.pending || this.base;
    this.runChanged = false;
    this.version++;
  }

  /**
   * Restored work: the text as it was left (`applied`: it was what ran), against the run
   * restored with it; `errors`: the loader's, when the text does not load.
   */
  restore(text: string, applied: boolean, runScenario: string, errors: Array<{ path: string; message: string }>): void {
    this.base = applied && !errors.length ? text : runScenario;
    this.text = text;
    this.errors = locateErrors(text, errors);
    this.state = errors.length ? 'invalid' : this.dirty ? 'edited' : 'applied';
    this.runChanged = false;
    this.version++;
  }
}
