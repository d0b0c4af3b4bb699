import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    overflow: auto;
    min-height: 0;
    font-size: var(--tp-font-size-small);
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  th,
  td {
    text-align: left;
    padding: var(--tp-space-0) var(--tp-space-1);
    border-bottom: var(--tp-border-width) solid var(--tp-border);
    vertical-align: top;
  }
  th {
    position: sticky;
    top: 0;
    background: var(--tp-surface);
    font-weight: bold;
  }
  tr.live {
    cursor: pointer;
  }
  tr.live:hover {
    background: var(--tp-accent-soft);
  }
  tr.closed {
    color: var(--tp-conn-closed-text);
    background: var(--tp-conn-closed-bg);
    cursor: pointer;
  }
  .mono {
    font-family: var(--tp-font-mono);
    font-size: var(--tp-conn-mono-size);
    white-space: nowrap;
  }
  /* Two- and three-line cells: one value per line, each with its short name. */
  .line {
    display: block;
  }
  .key {
    color: var(--tp-text-muted);
  }
  .who .name {
    font-weight: bold;
  }
  .who .host {
    color: var(--tp-text-muted);
  }
  .state {
    font-family: var(--tp-font-mono);
    font-weight: bold;
  }
  .timer {
    display: block;
    font-family: var(--tp-font-mono);
    font-size: var(--tp-conn-mono-size);
  }
  /* A timer's countdown may go to a second line, never out of the panel. */
  .timer .left {
    white-space: nowrap;
  }
  tr.closed .state {
    font-weight: normal;
  }
  h3 {
    font-size: var(--tp-font-size);
    margin: var(--tp-space-2) var(--tp-space-1) var(--tp-space-1);
  }
  .note,
  .empty {
    color: var(--tp-text-muted);
    margin: var(--tp-space-2) var(--tp-space-1);
  }
`;
