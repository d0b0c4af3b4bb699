import { LitElement, html } from 'lit';

import type { EngineController } from '../../engine/controller';
import { msg } from '../../i18n';
import { LONG_LINK, encodeShare } from '../../model/share-link';
import { download, fileStem } from '../../util/download';
import { formatTime } from '../../util/time';
import { dialogStyles } from '../dialog.styles';

/**
 * The Share button and its dialog: a link to the scenario as it runs now (live edits included)
 * at the present time, a Copy button, a warning with a "save a file" offer when the link is
 * long, and a note when the page was opened from disk. The link format is model/share-link.ts.
 */
export class TpShare extends LitElement {
  static override styles = dialogStyles;

  /** The playground's engine; set by <tcp-playground>. */
  controller: EngineController | null = null;
  /** The link shown ('' while it is made). */
  link = '';
  private time = 0;
  private status = '';
  private failed = false;

  override render() {
    const fromDisk = location.protocol === 'file:';
    const long = this.link.length > LONG_LINK;
    return html`
      <button class="share" aria-haspopup="dialog" @click=${this.open}>${msg('share.button')}</button>
      <dialog aria-labelledby="share-title" @close=${() => this.requestUpdate()}>
        <h2 id="share-title">${msg('share.title')}</h2>
        <p>${msg('share.intro', { time: formatTime(this.time) })}</p>
        <div class="row">
          <input class="link" readonly aria-label=${msg('share.linkLabel')} .value=${this.link || msg('share.making')} @focus=${(e: Event) => (e.target as HTMLInputElement).select()} />
          <button class="copy primary" ?disabled=${!this.link} @click=${this.copy}>${msg('share.copy')}</button>
        </div>
        <p class=${this.failed ? 'status failed' : 'status'} role="status">${this.status}</p>
        ${long
          ? html`<div class="warning" role="alert">
              <p>${msg('share.long', { length: this.link.length.toLocaleString('en'), limit: LONG_LINK.toLocaleString('en') })}</p>
              <button class="save" @click=${this.save}>${msg('share.saveFile')}</button>
            </div>`
          : ''}
        ${fromDisk ? html`<p class="note file-only">${msg('share.fileOnly')}</p>` : ''}
        <div class="end"><button class="close" @click=${this.close}>${msg('share.close')}</button></div>
      </dialog>
    `;
  }

  private get dialog(): HTMLDialogElement | null {
    return this.renderRoot.querySelector('dialog');
  }

  /** Makes the link for the present and opens the dialog. */
  async open(): Promise<void> {
    const c = this.controller;
    if (!c?.lesson) return;
    this.link = '';
    this.status = '';
    this.failed = false;
    this.time = c.now;
    this.requestUpdate();
    await this.updateComplete;
    this.dialog?.showModal();
    try {
      const hash = await encodeShare(c.scenarioText(), this.time);
      this.link = location.href.replace(/#.*$/, '') + hash;
    } catch (e) {
      this.status = msg('share.makeError', { message: e instanceof Error ? e.message : String(e) });
      this.failed = true;
    }
    this.requestUpdate();
  }

  private close = (): void => this.dialog?.close();

  private copy = async (): Promise<void> => {
    const input = this.renderRoot.querySelector<HTMLInputElement>('input.link');
    let ok = false;
    try {
      await navigator.clipboard.writeText(this.link);
      ok = true;
    } catch {
      // No clipboard permission (file://, an unfocused page): the selection and copy command.
      if (input) {
        input.focus();
        input.select();
        try {
          ok = document.execCommand('copy');
        } catch {
          ok = false;
        }
      }
    }
    this.status = ok ? msg('share.copied') : msg('share.copyFailed');
    this.failed = !ok;
    this.requestUpdate();
  };

  private save = (): void => {
    const c = this.controller;
    if (!c?.lesson) return;
    download(`${fileStem(c.lesson.id === 'custom' ? c.lesson.title : c.lesson.id)}.json`, c.scenarioText(), 'application/json');
  };
}
