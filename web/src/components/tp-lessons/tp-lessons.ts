import { define } from '../define';
import { TpLessons } from './tp-lessons.component';

export { TpLessons };
define('tp-lessons', TpLessons);

declare global {
  interface HTMLElementTagNameMap {
    'tp-lessons': TpLessons;
  }
}
