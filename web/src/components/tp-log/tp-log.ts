import { define } from '../define';
import { TpLog } from './tp-log.component';

export { TpLog };
define('tp-log', TpLog);

declare global {
  interface HTMLElementTagNameMap {
    'tp-log': TpLog;
  }
}
