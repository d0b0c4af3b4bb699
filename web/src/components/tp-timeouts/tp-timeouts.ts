import { define } from '../define';
import { TpTimeouts } from './tp-timeouts.component';

export { TpTimeouts };
define('tp-timeouts', TpTimeouts);

declare global {
  interface HTMLElementTagNameMap {
    'tp-timeouts': TpTimeouts;
  }
}
