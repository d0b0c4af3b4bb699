import { define } from '../define';
import { TpSockets } from './tp-sockets.component';

export { TpSockets };
define('tp-sockets', TpSockets);

declare global {
  interface HTMLElementTagNameMap {
    'tp-sockets': TpSockets;
  }
}
