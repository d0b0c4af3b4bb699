import { LitElement, html } from 'lit';

import type { LessonSource } from '../../engine/controller';
import { msg } from '../../i18n';
import { formatTime } from '../../util/time';
import { emit } from '../events';

/** A watch item's text (a string, or {text, when}). */
export function watchText(w: LessonSource['watch'][number]): string {
  return typeof w === 'string' ? w : w.text;
}
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
    seen: { attribute: false },
    reached: { attribute: false },
    latest: { attribute: false },
  };

  /** Points of the open lesson seen so far (numbers from 1). */
  seen: Set<number> = new Set();
  /** When each point was reached in this run (ns), to jump there. */
  reached: Map<number, number> = new Map();
  /** The point reached last (at or before now), 0 for none. */
  latest = 0;

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
                <span class="number">${l.number || ''}</span> ${l.title}
              </button>
              ${open
                ? html`<div class="body">
                    <p class="description">${l.description}</p>
                    ${l.watch.length
                      ? html`<h3>${msg('lessons.watch')} <span class="progress">${msg('lessons.progress', { seen: this.seen.size, total: l.watch.length })}</span></h3>
                          <ol class="watch">
                            ${l.watch.map((w, k) => {
                              const n = k + 1;
                              const t = this.reached.get(n);
                              const cls = `point${this.seen.has(n) ? ' seen' : ''}${this.latest === n ? ' latest' : ''}`;
                              return html`<li class=${cls} data-point=${n}>
                                <span class="mark" aria-label=${this.seen.has(n) ? msg('lessons.seen') : msg('lessons.notSeen')}>${this.seen.has(n) ? '✓' : n}</span>
                                <span class="text">${watchText(w)}</span>
                                ${t !== undefined ? html`<button class="jump" title=${msg('lessons.jump')} @click=${() => emit(this, 'tp-seek', { t })}>${formatTime(t)}</button>` : ''}
                              </li>`;
                            })}
                          </ol>`
                      : ''}
                  </div>`
                : ''}
            </li>
          `;
        })}
      </ol>
    `;
  }

  private lastScrolled = '';

  override updated(): void {
    if (this.lastScrolled === this.current) return;
    this.lastScrolled = this.current;
    this.renderRoot.querySelector('.lesson.current')?.scrollIntoView({ block: 'nearest' });
  }
}
