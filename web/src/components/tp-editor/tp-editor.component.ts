import { LitElement, html, nothing } from 'lit';

import { matchAt } from '../../editor/brackets';
import type { ScenarioDoc } from '../../editor/document';
import { tokenizeLine } from '../../editor/tokens';
import { msg } from '../../i18n';
import { styles } from './tp-editor.styles';

/** What the editor asks of the playground. */
export interface EditorHost {
  /** Loads `text` (restart from 0 s); the loader's errors, [] when it runs now. */
  apply(text: string): Array<{ path: string; message: string }>;
  /** The run's scenario now (live actions included). */
  scenario(): string;
  /** The document changed (typed, applied, reloaded): save it. */
  changed(): void;
}

/** Lines coloured above and below the visible ones (scrolling a little needs no new colouring). */
const OVERDRAW = 8;

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The scenario editor: the scenario JSON in a `<textarea>` over a coloured `<pre>` of the same
 * font and metrics (scroll-synced), a line-number gutter, bracket matching, Tab for two spaces,
 * and the loader's errors marked at their lines (gutter, line and a list: clicking one puts the
 * caret there). Only the lines in view are coloured, in an animation frame, so a document of
 * thousands of lines stays responsive. Apply restarts the run from 0 s; a refused text stays as
 * typed, marked. Open reads a file, Save downloads the text as scenario.json.
 *
 * It edits a ScenarioDoc that the playground owns (the document outlives this tab).
 */
export class TpEditor extends LitElement {
  static override styles = styles;

  doc: ScenarioDoc | null = null;
  editorHost: EditorHost | null = null;
  /** How long the last colouring took (ms), for tests and the benchmark. */
  lastPaintMs = 0;
  private raf = 0;
  private lines: string[] = [''];
  private lineStarts: number[] = [0];
  private escapeTab = false;
  private lineHeight = 0;
  private saveUrl = '';

  private get area(): HTMLTextAreaElement | null {
    return this.renderRoot.querySelector('textarea.text');
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    cancelAnimationFrame(this.raf);
    this.raf = 0;
    if (this.saveUrl) URL.revokeObjectURL(this.saveUrl);
  }

  /** Shows the document's text and marks (call after the document changed elsewhere). */
  refresh(): void {
    this.requestUpdate();
  }

  override updated(): void {
    const ta = this.area;
    const doc = this.doc;
    if (!ta || !doc) return;
    if (ta.value !== doc.text) {
      ta.value = doc.text;
      this.split(doc.text);
    }
    this.schedulePaint();
  }

  private split(text: string): void {
    this.lines = text.split('\n');
    const starts = new Array<number>(this.lines.length);
    let at = 0;
    for (let i = 0; i < this.lines.length; i++) {
      starts[i] = at;
      at += this.lines[i].length + 1;
    }
    this.lineStarts = starts;
  }

  /** Line (from 0) of an offset. */
  private lineAt(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private schedulePaint = (): void => {
    if (!this.raf) this.raf = requestAnimationFrame(this.paint);
  };

  /** Colours the lines in view and numbers them; marks error lines and the matched brackets. */
  private paint = (): void => {
    this.raf = 0;
    const ta = this.area;
    const pre = this.renderRoot.querySelector<HTMLElement>('pre.hl');
    const gutter = this.renderRoot.querySelector<HTMLElement>('.gutter-lines');
    if (!ta || !pre || !gutter || !this.doc) return;
    const start = performance.now();
    if (!this.lineHeight) this.lineHeight = parseFloat(getComputedStyle(ta).lineHeight) || 18;
    const lh = this.lineHeight;
    const top = ta.scrollTop;
    const first = Math.max(0, Math.floor(top / lh) - OVERDRAW);
    const last = Math.min(this.lines.length, Math.ceil((top + ta.clientHeight) / lh) + OVERDRAW);
    const errorLines = new Set(this.doc.errors.map((e) => e.line));
    // The bracket at the caret and its partner (offsets), only when nothing is selected.
    const marks = new Map<number, string>();
    if (ta.selectionStart === ta.selectionEnd && document.activeElement !== null) {
      const m = matchAt(ta.value, ta.selectionStart);
      if (m) {
        marks.set(m[0], m[1] >= 0 ? 'match' : 'nomatch');
        if (m[1] >= 0) marks.set(m[1], 'match');
      }
    }
    let code = '';
    let nums = '';
    for (let l = first; l < last; l++) {
      const line = this.lines[l];
      const base = this.lineStarts[l];
      const err = errorLines.has(l);
      let body = '';
      for (const t of tokenizeLine(line)) {
        const text = escapeHtml(line.slice(t.from, t.to));
        const mark = t.kind === 'punct' ? marks.get(base + t.from) : undefined;
        body += t.kind === 'space' ? text : `<span class="t-${t.kind}${mark ? ` ${mark}` : ''}">${text}</span>`;
      }
      code += `<div class="line${err ? ' err' : ''}">${body || ' '}</div>`;
      nums += `<div class="num${err ? ' err' : ''}">${err ? '<span class="dot">●</span>' : ''}${l + 1}</div>`;
    }
    pre.innerHTML = code;
    gutter.innerHTML = nums;
    const y = `${first * lh - top}px`;
    pre.style.setProperty('--ed-y', y);
    pre.style.setProperty('--ed-x', `${-ta.scrollLeft}px`);
    gutter.style.setProperty('--ed-y', y);
    this.style.setProperty('--ed-digits', String(Math.max(3, String(this.lines.length).length + 1)));
    this.lastPaintMs = performance.now() - start;
  };

  private onInput = (): void => {
    const ta = this.area;
    if (!ta || !this.doc) return;
    this.split(ta.value);
    this.doc.edit(ta.value);
    this.editorHost?.changed();
    this.requestUpdate();
    this.schedulePaint();
  };

  private onKeyDown = (e: KeyboardEvent): void => {
    const ta = this.area;
    if (!ta) return;
    // Escape then Tab leaves the editor (the keyboard is never trapped); Tab alone indents.
    if (e.code === 'Escape') {
      this.escapeTab = true;
      return;
    }
    if (e.code === 'Tab' && !e.shiftKey && !this.escapeTab && !e.ctrlKey && !e.altKey && !e.metaKey) {
      e.preventDefault();
      ta.setRangeText('  ', ta.selectionStart, ta.selectionEnd, 'end');
      this.onInput();
    } else if ((e.ctrlKey || e.metaKey) && e.code === 'Enter') {
      e.preventDefault();
      this.apply();
    }
    this.escapeTab = false;
    e.stopPropagation(); // the playground's keys (Space: play) are not for text
  };

  /** Apply: loads the text (restart at 0 s); refused text stays as typed, its errors marked. */
  apply(): void {
    const ta = this.area;
    const doc = this.doc;
    if (!ta || !doc || !this.editorHost) return;
    const errors = this.editorHost.apply(ta.value);
    doc.tried(ta.value, errors);
    this.editorHost.changed();
    this.refresh();
  }

  /** Drops the unapplied edits: the text of what runs now. */
  private reload(): void {
    if (!this.doc || !this.editorHost) return;
    this.doc.reloadFromRun(this.editorHost.scenario());
    this.editorHost.changed();
    this.refresh();
  }

  private keepMine(): void {
    this.doc?.keepMine();
    this.editorHost?.changed();
    this.refresh();
  }

  /** Puts the caret at `offset` (its line a third down the view) and focuses the text. */
  goTo(offset: number): void {
    const ta = this.area;
    if (!ta) return;
    ta.focus();
    ta.setSelectionRange(offset, offset);
    const lh = this.lineHeight || parseFloat(getComputedStyle(ta).lineHeight) || 18;
    ta.scrollTop = Math.max(0, this.lineAt(offset) * lh - ta.clientHeight / 3);
    this.schedulePaint();
  }

  private openFile(): void {
    this.renderRoot.querySelector<HTMLInputElement>('input.file')?.click();
  }

  /** A file chosen: its text goes into the editor and is applied when valid, else kept, marked. */
  private async onFile(e: Event): Promise<void> {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file || !this.doc || !this.editorHost) return;
    let text: string;
    try {
      text = await file.text();
    } catch (err) {
      this.fileError = msg('editor.openFailed', { name: file.name, message: err instanceof Error ? err.message : String(err) });
      this.requestUpdate();
      return;
    }
    this.fileError = '';
    const ta = this.area;
    if (ta) ta.value = text;
    this.split(text);
    this.doc.edit(text);
    this.apply();
  }

  private fileError = '';

  /** Downloads the text as it is (valid or not) as scenario.json: a blob URL and <a download>. */
  private save(): void {
    const text = this.area?.value ?? this.doc?.text ?? '';
    if (this.saveUrl) URL.revokeObjectURL(this.saveUrl);
    this.saveUrl = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = this.saveUrl;
    a.download = 'scenario.json';
    a.hidden = true;
    this.renderRoot.appendChild(a);
    a.click();
    a.remove();
  }

  private statusText(): string {
    const doc = this.doc;
    if (!doc) return '';
    if (doc.state === 'invalid') return msg('editor.statusInvalid', { n: doc.errors.length });
    if (doc.state === 'edited') return msg('editor.statusEdited');
    return msg('editor.statusApplied');
  }

  override render() {
    const doc = this.doc;
    const dirty = doc ? doc.dirty || doc.state === 'invalid' : false;
    return html`
      <div class="bar">
        <button class="apply" ?disabled=${!dirty} @click=${() => this.apply()} title=${msg('editor.applyHint')}>${msg('editor.apply')}</button>
        <button class="revert" ?disabled=${!dirty} @click=${() => this.reload()}>${msg('editor.revert')}</button>
        <button class="open" @click=${() => this.openFile()}>${msg('editor.open')}</button>
        <input class="file" type="file" accept=".json,application/json" hidden @change=${(e: Event) => void this.onFile(e)} />
        <button class="save" @click=${() => this.save()}>${msg('editor.save')}</button>
        <span class=${`status ${doc?.state ?? ''}`} role="status">${this.statusText()}</span>
      </div>
      ${doc?.runChanged
        ? html`<div class="notice" role="alert">
            <span>${msg('editor.runChanged')}</span>
            <button class="reload-doc" @click=${() => this.reload()}>${msg('editor.reloadDoc')}</button>
            <button class="keep-mine" @click=${() => this.keepMine()}>${msg('editor.keepMine')}</button>
          </div>`
        : nothing}
      ${this.fileError ? html`<p class="file-error" role="alert">${this.fileError}</p>` : nothing}
      <div class="surface">
        <div class="gutter" aria-hidden="true"><div class="gutter-lines"></div></div>
        <div class="area">
          <pre class="hl" aria-hidden="true"></pre>
          <textarea
            class="text"
            spellcheck="false"
            wrap="off"
            autocomplete="off"
            autocapitalize="off"
            aria-label=${msg('editor.label')}
            aria-invalid=${doc?.state === 'invalid' ? 'true' : 'false'}
            @input=${this.onInput}
            @keydown=${this.onKeyDown}
            @scroll=${this.schedulePaint}
            @keyup=${this.schedulePaint}
            @mouseup=${this.schedulePaint}
            @focus=${this.schedulePaint}
            @blur=${this.schedulePaint}
          ></textarea>
        </div>
      </div>
      ${doc?.errors.length
        ? html`<ul class="errors" aria-label=${msg('editor.errorsLabel')}>
            ${doc.errors.map(
              (e) => html`<li>
                <button class="err" data-line=${e.line + 1} ?disabled=${e.offset < 0} @click=${() => this.goTo(e.offset)}>
                  ${e.line >= 0 ? html`<span class="where">${msg('editor.line', { n: e.line + 1 })}</span>` : nothing}
                  ${e.path ? html`<code class="path">${e.path}</code>` : nothing}
                  <span class="message">${e.message}</span>
                </button>
              </li>`,
            )}
          </ul>`
        : nothing}
      <p class="hint">${msg('editor.hint')}</p>
    `;
  }
}
