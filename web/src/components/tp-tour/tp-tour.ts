import { define } from '../define';
import { TpTour } from './tp-tour.component';

export { TpTour };
define('tp-tour', TpTour);

declare global {
  interface HTMLElementTagNameMap {
    'tp-tour': TpTour;
  }
}
