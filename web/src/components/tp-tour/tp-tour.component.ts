import { LitElement, html } from 'lit';

import { MessageKey, msg } from '../../i18n';
import { emit } from '../events';
import { styles } from './tp-tour.styles';

export interface TourStep {
  text: MessageKey;
  /** The element pointed at. */
  target: () => Element | null;
}

/**
 * A short first-visit tour: one box per step, pointing at an element of the playground.
 *
 * @event tp-tour-done - dismissed or finished
 */
export class TpTour extends LitElement {
  static override styles = styles;

  steps: TourStep[] = [];
  private index = 0;

  override render() {
    const step = this.steps[this.index];
    if (!step) return html``;
    const last = this.index === this.steps.length - 1;
    return html`
      <div class="ring" aria-hidden="true"></div>
      <div class="box" role="dialog" aria-label=${msg('tour.label')}>
        <p>${msg(step.text)}</p>
        <div class="buttons">
          <span class="step">${msg('tour.step', { n: this.index + 1, total: this.steps.length })}</span>
          <button class="skip" @click=${this.done}>${msg('tour.skip')}</button>
          <button class="next" @click=${last ? this.done : this.next}>${last ? msg('tour.done') : msg('tour.next')}</button>
        </div>
      </div>
    `;
  }

  override updated(): void {
    this.place();
  }

  /** Places the ring and the box next to the current step's target. */
  place(): void {
    const step = this.steps[this.index];
    const target = step?.target();
    const host = this.offsetParent ?? this.parentElement;
    if (!target || !host) return;
    const r = target.getBoundingClientRect();
    const h = (host as Element).getBoundingClientRect();
    const x = r.left - h.left;
    const y = r.top - h.top;
    this.style.setProperty('--ring-x', `${x - 4}px`);
    this.style.setProperty('--ring-y', `${y - 4}px`);
    this.style.setProperty('--ring-w', `${r.width + 8}px`);
    this.style.setProperty('--ring-h', `${r.height + 8}px`);
    // The box: below the target when there is room, else above it; inside the playground.
    const boxW = 300;
    const bx = Math.max(8, Math.min(x, h.width - boxW - 8));
    const below = y + r.height + 12;
    const by = r.height > h.height / 2 ? y + 40 : below + 130 < h.height ? below : Math.max(8, y - 140);
    this.style.setProperty('--box-x', `${bx}px`);
    this.style.setProperty('--box-y', `${by}px`);
    this.renderRoot.querySelector<HTMLButtonElement>('.next')?.focus({ preventScroll: true });
  }

  private next = (): void => {
    ++this.index;
    this.requestUpdate();
  };

  private done = (): void => {
    this.index = this.steps.length;
    this.requestUpdate();
    emit(this, 'tp-tour-done', undefined as never);
  };
}
