import { define } from '../define';
import { TpStateDiagram } from './tp-state-diagram.component';

export { TpStateDiagram };
define('tp-state-diagram', TpStateDiagram);

declare global {
  interface HTMLElementTagNameMap {
    'tp-state-diagram': TpStateDiagram;
  }
}
