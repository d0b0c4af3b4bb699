import { define } from '../define';
import { TpConnections } from './tp-connections.component';

export { TpConnections };
define('tp-connections', TpConnections);

declare global {
  interface HTMLElementTagNameMap {
    'tp-connections': TpConnections;
  }
}
