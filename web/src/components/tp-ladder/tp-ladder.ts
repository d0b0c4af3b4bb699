import { define } from '../define';
import { TpLadder } from './tp-ladder.component';

export { TpLadder };
define('tp-ladder', TpLadder);

declare global {
  interface HTMLElementTagNameMap {
    'tp-ladder': TpLadder;
  }
}
