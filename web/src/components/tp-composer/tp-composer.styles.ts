import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    overflow: auto;
    min-height: 0;
    font-size: var(--tp-font-size-small);
  }
  .composer {
    display: grid;
    grid-template-columns: minmax(0, 1fr) var(--tp-composer-side-width);
    gap: var(--tp-space-2);
    padding: var(--tp-space-2);
  }
  .main {
    display: flex;
    flex-direction: column;
    gap: var(--tp-space-1);
    min-width: 0;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: var(--tp-space-2);
    align-items: flex-end;
  }
  .field {
    display: flex;
    flex-direction: column;
    gap: var(--tp-space-0);
    color: var(--tp-text-muted);
    min-width: 0;
  }
  .field.wide {
    width: 100%;
  }
  .field.port input {
    width: var(--tp-composer-port-width);
  }
  input[type='text'],
  select,
  textarea {
    font-family: var(--tp-font-mono);
    font-size: var(--tp-font-size-small);
    color: var(--tp-text);
    min-height: var(--tp-control-small);
    box-sizing: border-box;
  }
  textarea {
    width: 100%;
    resize: vertical;
  }
  .seqack input {
    width: var(--tp-composer-seq-width);
  }
  [aria-invalid='true'] {
    outline: var(--tp-focus-width) solid var(--tp-danger);
  }
  fieldset {
    border: var(--tp-border-width) solid var(--tp-border);
    border-radius: var(--tp-radius);
    margin: 0;
    padding: var(--tp-space-1) var(--tp-space-2);
  }
  legend {
    font-weight: bold;
    padding: 0 var(--tp-space-1);
  }
  .flag {
    display: grid;
    grid-template-columns: auto var(--tp-composer-flag-width) minmax(0, 1fr);
    align-items: baseline;
    gap: var(--tp-space-1);
  }
  .flag-name {
    font-family: var(--tp-font-mono);
    font-weight: bold;
  }
  .flag-help {
    color: var(--tp-text-muted);
  }
  details summary {
    cursor: pointer;
    color: var(--tp-accent);
  }
  .manual-row {
    display: flex;
    flex-wrap: wrap;
    gap: var(--tp-space-1) var(--tp-space-2);
    align-items: baseline;
    padding: var(--tp-space-1);
    background: var(--tp-surface);
    border-radius: var(--tp-radius);
  }
  .label {
    font-weight: bold;
  }
  .presets {
    display: flex;
    flex-wrap: wrap;
    gap: var(--tp-space-1);
    align-items: center;
  }
  button {
    font: inherit;
    min-height: var(--tp-control-small);
    border: var(--tp-border-width) solid var(--tp-border);
    border-radius: var(--tp-radius);
    background: var(--tp-surface);
    color: var(--tp-text);
    cursor: pointer;
  }
  button[aria-pressed='true'] {
    background: var(--tp-accent-soft);
    border-color: var(--tp-accent);
  }
  .send {
    min-height: var(--tp-control-size);
    background: var(--tp-accent);
    color: var(--tp-accent-text);
    border-color: var(--tp-accent);
    font-weight: bold;
  }
  .rel {
    font-family: var(--tp-font-mono);
    color: var(--tp-text-muted);
  }
  .options {
    display: grid;
    grid-template-columns: auto minmax(0, 1fr);
    gap: var(--tp-space-1) var(--tp-space-2);
    align-items: center;
  }
  .options .span {
    grid-column: 1 / -1;
  }
  .options input[type='text'] {
    width: 100%;
  }
  .options .pair {
    display: flex;
    gap: var(--tp-space-1);
  }
  .muted {
    color: var(--tp-text-muted);
  }
  .small {
    font-size: var(--tp-font-size-small);
  }
  p {
    margin: 0;
  }
  /* The send button and the verdict stay in view while the form scrolls. */
  .side {
    display: flex;
    flex-direction: column;
    gap: var(--tp-space-2);
    min-width: 0;
    position: sticky;
    top: 0;
    align-self: start;
  }
  .when {
    display: flex;
    flex-wrap: wrap;
    gap: var(--tp-space-1);
    align-items: center;
  }
  .when .at {
    width: var(--tp-composer-port-width);
  }
  .errors {
    margin: 0;
    padding: var(--tp-space-1) var(--tp-space-1) var(--tp-space-1) var(--tp-space-3);
    color: var(--tp-danger);
    border: var(--tp-border-width) solid var(--tp-danger);
    border-radius: var(--tp-radius);
  }
  .odd {
    color: var(--tp-composer-odd);
  }
  .verdict {
    border: var(--tp-border-width) solid var(--tp-border);
    border-radius: var(--tp-radius);
    padding: var(--tp-space-1) var(--tp-space-2);
    background: var(--tp-surface);
  }
  .verdict h3 {
    margin: 0 0 var(--tp-space-1);
    font-size: var(--tp-font-size);
  }
  .verdict-lines {
    margin: 0;
    padding-left: var(--tp-space-3);
  }
  .verdict-lines li:first-child {
    font-weight: bold;
  }
  .kind-challenge li:first-child {
    color: var(--tp-mark-challenge-ack);
  }
  .kind-rst li:first-child,
  .kind-dropped li:first-child,
  .kind-lost li:first-child {
    color: var(--tp-danger);
  }
  .kind-accepted li:first-child {
    color: var(--tp-composer-accepted);
  }
  .empty {
    color: var(--tp-text-muted);
    margin: var(--tp-space-2);
  }
`;
