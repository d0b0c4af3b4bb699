import { define } from '../define';
import '../tp-composer/tp-composer';
import '../tp-connections/tp-connections';
import '../tp-export/tp-export';
import '../tp-inspector/tp-inspector';
import '../tp-ladder/tp-ladder';
import '../tp-state-diagram/tp-state-diagram';
import '../tp-lessons/tp-lessons';
import '../tp-log/tp-log';
import '../tp-time-controls/tp-time-controls';
import '../tp-tour/tp-tour';
import '../tp-share/tp-share';
import '../tp-sockets/tp-sockets';
import '../tp-timeouts/tp-timeouts';
import '../tp-topology/tp-topology';
import '../tp-editor/tp-editor';
import { TcpPlayground } from './tcp-playground.component';

export { TcpPlayground };
define('tcp-playground', TcpPlayground);

declare global {
  interface HTMLElementTagNameMap {
    'tcp-playground': TcpPlayground;
  }
}
