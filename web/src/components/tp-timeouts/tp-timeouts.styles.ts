import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    overflow: auto;
    min-height: 0;
    font-size: var(--tp-font-size-small);
    padding: 0 var(--tp-space-2) var(--tp-space-2);
  }
  h3 {
    font-size: var(--tp-font-size);
    margin: var(--tp-space-2) 0 var(--tp-space-1);
  }
  h4 {
    font-size: var(--tp-font-size-small);
    margin: var(--tp-space-1) 0;
  }
  .ko {
    font-weight: normal;
    color: var(--tp-text-muted);
    word-break: keep-all;
  }
  .scope-bar {
    display: flex;
    flex-wrap: wrap;
    align-items: flex-end;
    gap: var(--tp-space-1) var(--tp-space-3);
    padding: var(--tp-space-1);
    margin-top: var(--tp-space-2);
    background: var(--tp-surface);
    border-radius: var(--tp-radius);
  }
  .field {
    display: flex;
    flex-direction: column;
    gap: var(--tp-space-0);
  }
  .field span,
  .muted,
  .desc,
  .unit {
    color: var(--tp-text-muted);
  }
  .scope-note {
    flex: 1 1 100%;
  }
  input,
  select {
    font: inherit;
    min-height: var(--tp-control-small);
    box-sizing: border-box;
  }
  input.value {
    width: var(--tp-timeouts-value-width);
    font-family: var(--tp-font-mono);
  }
  input[aria-invalid='true'] {
    outline: var(--tp-focus-width) solid var(--tp-danger);
  }
  .three {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(var(--tp-timeouts-card-min), 1fr));
    gap: var(--tp-space-2);
  }
  .timeout {
    border: var(--tp-border-width) solid var(--tp-border);
    border-radius: var(--tp-radius);
    padding: 0 var(--tp-space-1) var(--tp-space-1);
    min-width: 0;
  }
  .timeout .def {
    margin: 0 0 var(--tp-space-1);
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  /* A parameter: name, box and defaults on one line, its description under them. */
  .param {
    display: grid;
    grid-template-columns: var(--tp-timeouts-name-width) auto minmax(0, 1fr);
    align-items: center;
    gap: 0 var(--tp-space-2);
    padding: var(--tp-space-0) 0;
    border-bottom: var(--tp-border-width) solid var(--tp-surface-raised);
  }
  .param > .desc,
  .param > .perror,
  .param > .presult {
    grid-column: 1 / -1;
  }
  /* In the three timeouts' narrow cards: one line each for the name, the box, the defaults and the text. */
  .timeout .param {
    grid-template-columns: minmax(0, 1fr);
  }
  input[type='checkbox'] {
    min-height: 0;
    margin: var(--tp-space-0) 0;
  }
  .pname {
    font-weight: bold;
    overflow-wrap: anywhere;
  }
  .param.changed .pname::after {
    content: ' •';
    color: var(--tp-timeouts-changed);
  }
  .mono {
    font-family: var(--tp-font-mono);
  }
  .box {
    white-space: nowrap;
    justify-self: start;
  }
  .defaults {
    display: flex;
    flex-wrap: wrap;
    gap: 0 var(--tp-space-2);
    font-family: var(--tp-font-mono);
    color: var(--tp-text-muted);
  }
  .def.current {
    color: var(--tp-text);
    font-weight: bold;
    text-decoration: underline;
  }
  .range,
  .ro {
    white-space: nowrap;
  }
  .ro {
    color: var(--tp-timeouts-changed);
  }
  .perror,
  .presult {
    margin: var(--tp-space-0) 0;
    padding: var(--tp-space-0) var(--tp-space-1);
    border-radius: var(--tp-radius);
  }
  .perror {
    background: var(--tp-danger);
    color: var(--tp-accent-text);
  }
  .presult {
    background: var(--tp-accent-soft);
    color: var(--tp-text);
  }
  .boxes {
    margin-top: var(--tp-space-1);
  }
  .small {
    margin: var(--tp-space-1) 0 0;
  }
  .empty {
    color: var(--tp-text-muted);
  }
`;
