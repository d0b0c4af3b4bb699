import { LitElement, html } from 'lit';

import type { LessonSource } from '../../engine/controller';
import { msg } from '../../i18n';
import { emit } from '../events';
import { styles } from './tp-lessons.styles';

/**
 * Every lesson with its title, explanation and what to watch; the current one open.
 *
 * @event tp-lesson - a lesson was chosen (detail.id)
 */
export class TpLessons extends LitElement {
  static override styles = styles;
  static override properties = {
    lessons: { attribute: false },
    current: { attribute: false },
  };

  /** Every lesson, in order. */
  lessons: LessonSource[] = [];
  /** The id of the open lesson. */
  current = '';

  override render() {
    return html`
      <ol class="lessons" aria-label=${msg('lessons.label')}>
        ${this.lessons.map((l) => {
          const open = l.id === this.current;
          return html`
            <li class=${open ? 'lesson current' : 'lesson'} data-id=${l.id}>
              <button class="title" aria-expanded=${open ? 'true' : 'false'} aria-current=${open ? 'true' : 'false'} @click=${() => emit(this, 'tp-lesson', { id: l.id })}>
                <span class="number">${l.number}</span> ${l.title}
              </button>
              ${open
                ? html`<div class="body">
                    <p class="description">${l.description}</p>
                    ${l.watch.length
                      ? html`<h3>${msg('lessons.watch')}</h3>
                          <ul class="watch">
                            ${l.watch.map((w) => html`<li>${w}</li>`)}
                          </ul>`
                      : ''}
                  </div>`
                : ''}
            </li>
          `;
        })}
      </ol>
    `;
  }

  override updated(): void {
    this.renderRoot.querySelector('.lesson.current')?.scrollIntoView({ block: 'nearest' });
  }
}
