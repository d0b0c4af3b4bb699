import { define } from '../define';
import { TpExport } from './tp-export.component';

export { TpExport };
define('tp-export', TpExport);

declare global {
  interface HTMLElementTagNameMap {
    'tp-export': TpExport;
  }
}
