import { css } from 'lit';

export const styles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-height: 0;
    font-size: var(--tp-font-size-small);
  }
  .inspector {
    display: flex;
    flex-direction: column;
    min-height: 0;
    flex: 1;
  }
  .summary {
    padding: var(--tp-space-1) var(--tp-space-2);
    border-bottom: var(--tp-border-width) solid var(--tp-border);
  }
  h3 {
    margin: 0 0 var(--tp-space-1);
    font-size: var(--tp-font-size);
  }
  p {
    margin: 0 0 var(--tp-space-0);
  }
  .mono {
    font-family: var(--tp-font-mono);
  }
  .line {
    overflow-wrap: anywhere;
  }
  .ok {
    color: var(--tp-inspector-ok);
  }
  .bad,
  .fate.dropped {
    color: var(--tp-danger);
  }
  .muted,
  .fname {
    color: var(--tp-text-muted);
  }
  .fname {
    font-family: var(--tp-font-mono);
    font-size: var(--tp-conn-mono-size);
  }
  .label {
    font-weight: bold;
  }
  .bytes {
    padding: var(--tp-space-1) var(--tp-space-2);
    border-bottom: var(--tp-border-width) solid var(--tp-border);
    max-height: 40%;
    overflow: auto;
    flex: none;
  }
  .hex {
    font-size: var(--tp-inspector-hex-size);
    line-height: var(--tp-line-height);
  }
  .hexrow {
    white-space: pre;
    display: flex;
    gap: var(--tp-space-3);
  }
  .off {
    color: var(--tp-text-muted);
  }
  .hx .b {
    padding: 0 calc(var(--tp-space-0) + 1px);
    cursor: default;
  }
  .asc .a {
    cursor: default;
  }
  .b.hl,
  .a.hl {
    background: var(--tp-inspector-hl-bg);
    color: var(--tp-inspector-hl-text);
  }
  .payload {
    margin-top: var(--tp-space-1);
    overflow-wrap: anywhere;
  }
  .table {
    flex: 1;
    min-height: 0;
    overflow: auto;
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  th,
  td {
    text-align: left;
    padding: 1px var(--tp-space-1);
    border-bottom: var(--tp-border-width) solid var(--tp-surface-raised);
    vertical-align: top;
  }
  td.mono {
    overflow-wrap: anywhere;
  }
  th {
    position: sticky;
    top: 0;
    background: var(--tp-surface);
  }
  tr.layer td {
    background: var(--tp-surface);
    font-weight: bold;
  }
  tr.hl td {
    background: var(--tp-inspector-row-hl);
  }
  .depth-1 {
    padding-left: calc(var(--tp-inspector-depth) * 1);
  }
  .depth-2 {
    padding-left: calc(var(--tp-inspector-depth) * 2);
  }
  .depth-3 {
    padding-left: calc(var(--tp-inspector-depth) * 3);
  }
  .depth-4,
  .depth-5 {
    padding-left: calc(var(--tp-inspector-depth) * 4);
  }
  .empty {
    color: var(--tp-text-muted);
    margin: var(--tp-space-2);
  }
`;
