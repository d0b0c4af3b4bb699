import { define } from '../define';
import { TpEditor } from './tp-editor.component';

export { TpEditor };
define('tp-editor', TpEditor);

declare global {
  interface HTMLElementTagNameMap {
    'tp-editor': TpEditor;
  }
}
