import { define } from '../define';
import { TpInspector } from './tp-inspector.component';

export { TpInspector };
define('tp-inspector', TpInspector);

declare global {
  interface HTMLElementTagNameMap {
    'tp-inspector': TpInspector;
  }
}
