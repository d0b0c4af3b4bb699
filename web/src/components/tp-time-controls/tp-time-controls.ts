import { define } from '../define';
import { TpTimeControls } from './tp-time-controls.component';

export { TpTimeControls };
define('tp-time-controls', TpTimeControls);

declare global {
  interface HTMLElementTagNameMap {
    'tp-time-controls': TpTimeControls;
  }
}
