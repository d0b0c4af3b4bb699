import { css } from 'lit';

/** The look shared by the Share and Export dialogs (a button in the header, a modal <dialog>). */
export const dialogStyles = css`
  :host {
    display: inline-block;
  }
  button {
    font: inherit;
    font-size: var(--tp-font-size-small);
    min-height: var(--tp-control-small);
    padding: var(--tp-space-0) var(--tp-space-2);
    border: var(--tp-border-width) solid var(--tp-border);
    border-radius: var(--tp-radius);
    background: var(--tp-bg);
    color: var(--tp-text);
    cursor: pointer;
  }
  button:focus-visible,
  input:focus-visible {
    outline: var(--tp-focus-width) solid var(--tp-focus);
  }
  button.primary {
    background: var(--tp-accent);
    border-color: var(--tp-accent);
    color: var(--tp-accent-text);
  }
  dialog {
    width: var(--tp-dialog-width);
    max-width: calc(100vw - 4 * var(--tp-space-3));
    border: var(--tp-border-width) solid var(--tp-border);
    border-radius: var(--tp-radius);
    box-shadow: var(--tp-shadow);
    background: var(--tp-bg);
    color: var(--tp-text);
    padding: var(--tp-space-3);
    font-family: var(--tp-font-sans);
    font-size: var(--tp-font-size);
    line-height: var(--tp-line-height);
  }
  dialog::backdrop {
    background: var(--tp-dialog-backdrop);
  }
  h2 {
    font-size: var(--tp-font-size-title);
    margin: 0 0 var(--tp-space-2);
  }
  h3 {
    font-size: var(--tp-font-size);
    margin: var(--tp-space-3) 0 var(--tp-space-1);
  }
  p {
    margin: 0 0 var(--tp-space-2);
  }
  .row {
    display: flex;
    gap: var(--tp-space-2);
    align-items: center;
    flex-wrap: wrap;
  }
  input.link {
    flex: 1;
    min-width: 0;
    font-family: var(--tp-font-mono);
    font-size: var(--tp-font-size-small);
    padding: var(--tp-space-1);
    border: var(--tp-border-width) solid var(--tp-border);
    border-radius: var(--tp-radius);
  }
  .warning,
  .note {
    padding: var(--tp-space-1) var(--tp-space-2);
    border-radius: var(--tp-radius);
    background: var(--tp-accent-soft);
  }
  .warning {
    border-left: var(--tp-focus-width) solid var(--tp-danger);
  }
  .status {
    color: var(--tp-text-muted);
    font-size: var(--tp-font-size-small);
    min-height: 1.2em;
  }
  .status.failed {
    color: var(--tp-danger);
  }
  fieldset {
    border: none;
    padding: 0;
    margin: 0 0 var(--tp-space-2);
    display: flex;
    gap: var(--tp-space-3);
    flex-wrap: wrap;
  }
  legend {
    color: var(--tp-text-muted);
    font-size: var(--tp-font-size-small);
    padding: 0;
    margin-bottom: var(--tp-space-1);
  }
  .end {
    display: flex;
    justify-content: flex-end;
    margin-top: var(--tp-space-3);
  }
`;
