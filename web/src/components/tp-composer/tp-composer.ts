import { define } from '../define';
import { TpComposer } from './tp-composer.component';

export { TpComposer };
define('tp-composer', TpComposer);

declare global {
  interface HTMLElementTagNameMap {
    'tp-composer': TpComposer;
  }
}
