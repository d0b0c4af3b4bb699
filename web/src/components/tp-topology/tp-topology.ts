import { define } from '../define';
import { TpTopology } from './tp-topology.component';

export { TpTopology };
define('tp-topology', TpTopology);

declare global {
  interface HTMLElementTagNameMap {
    'tp-topology': TpTopology;
  }
}
