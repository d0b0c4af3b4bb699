import { LitElement, html } from 'lit';

import type { EngineController } from '../../engine/controller';
import { msg } from '../../i18n';
import { LadderRange, LadderView, ladderPng, ladderSvg } from '../../ladder/export';
import { download, fileStem } from '../../util/download';
import { dialogStyles } from '../dialog.styles';

type Kind = 'pcap' | 'jsonl' | 'text' | 'scenario' | 'svg' | 'png';

/**
 * The Export button and its dialog: downloads of the trace so far (pcap, JSON Lines, tcpdump
 * text), the scenario (live edits included) and the ladder as SVG or PNG, of the range on
 * screen or of the whole run. Files are made in the page and downloaded through blob URLs.
 */
export class TpExport extends LitElement {
  static override styles = dialogStyles;

  /** The playground's engine; set by <tcp-playground>. */
  controller: EngineController | null = null;
  /** The ladder's view as on screen (tp-ladder.exportView). */
  ladderView: () => LadderView | null = () => null;
  private range: LadderRange = 'visible';
  private status = '';
  private failed = false;

  override render() {
    const item = (kind: Kind, label: string) => html`<button class=${`dl-${kind}`} @click=${() => void this.save(kind)}>${label}</button>`;
    return html`
      <button class="export" aria-haspopup="dialog" @click=${this.open}>${msg('export.button')}</button>
      <dialog aria-labelledby="export-title">
        <h2 id="export-title">${msg('export.title')}</h2>
        <h3>${msg('export.trace')}</h3>
        <div class="row">${item('pcap', msg('export.pcap'))} ${item('jsonl', msg('export.jsonl'))} ${item('text', msg('export.text'))} ${item('scenario', msg('export.scenario'))}</div>
        <h3>${msg('export.ladder')}</h3>
        <fieldset>
          <legend>${msg('export.range')}</legend>
          <label><input type="radio" name="range" value="visible" .checked=${this.range === 'visible'} @change=${() => (this.range = 'visible')} /> ${msg('export.visible')}</label>
          <label><input type="radio" name="range" value="whole" .checked=${this.range === 'whole'} @change=${() => (this.range = 'whole')} /> ${msg('export.whole')}</label>
        </fieldset>
        <div class="row">${item('svg', msg('export.svg'))} ${item('png', msg('export.png'))}</div>
        <p class=${this.failed ? 'status failed' : 'status'} role="status">${this.status}</p>
        <div class="end"><button class="close" @click=${() => this.renderRoot.querySelector('dialog')?.close()}>${msg('export.close')}</button></div>
      </dialog>
    `;
  }

  open = (): void => {
    this.status = '';
    this.failed = false;
    this.requestUpdate();
    void this.updateComplete.then(() => this.renderRoot.querySelector('dialog')?.showModal());
  };

  /** Makes one file and downloads it; says which, or what went wrong. */
  async save(kind: Kind): Promise<void> {
    const c = this.controller;
    if (!c?.lesson) return;
    const stem = fileStem(c.lesson.id === 'custom' ? c.lesson.title : c.lesson.id);
    try {
      let name: string;
      switch (kind) {
        case 'pcap':
          download((name = `${stem}.pcap`), c.pcapBytes(), 'application/vnd.tcpdump.pcap');
          break;
        case 'jsonl':
          download((name = `${stem}.jsonl`), c.jsonlText(), 'application/jsonl');
          break;
        case 'text':
          download((name = `${stem}.txt`), c.tcpdumpText(), 'text/plain');
          break;
        case 'scenario':
          download((name = `${stem}.json`), c.scenarioText(), 'application/json');
          break;
        case 'svg':
        case 'png': {
          const view = this.ladderView();
          if (!view) return;
          name = `${stem}-ladder-${this.range}.${kind}`;
          if (kind === 'svg') download(name, ladderSvg(view, this.range), 'image/svg+xml');
          else download(name, await ladderPng(view, this.range));
          break;
        }
      }
      this.status = msg('export.done', { name });
      this.failed = false;
    } catch (e) {
      this.status = msg('export.failed', { message: e instanceof Error ? e.message : String(e) });
      this.failed = true;
    }
    this.requestUpdate();
  }
}
