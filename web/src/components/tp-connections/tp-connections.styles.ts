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
    white-space: nowrap;
  }
  .state {
    font-family: var(--tp-font-mono);
    font-weight: bold;
  }
  .timer {
    display: block;
    font-family: var(--tp-font-mono);
    white-space: nowrap;
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
