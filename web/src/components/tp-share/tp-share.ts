import { define } from '../define';
import { TpShare } from './tp-share.component';

export { TpShare };
define('tp-share', TpShare);

declare global {
  interface HTMLElementTagNameMap {
    'tp-share': TpShare;
  }
}
