import { css } from 'lit';

export const styles = css`
  :host {
    /* The topology's own colours and sizes; a page overrides them on the element. */
    --tp-topo-host-bg: #f6f7f9;
    --tp-topo-host-border: #8a929c;
    --tp-topo-middle-bg: #eef3fb;
    --tp-topo-wire: #5c6570;
    --tp-topo-wire-width: 2px;
    --tp-topo-wire-hit: 14px;
    --tp-topo-down: #c62828;
    --tp-topo-dash: 6 4;
    --tp-topo-selected: #1f5fbf;
    --tp-topo-label-bg: #ffffff;
    --tp-topo-balancer-bg: #fff1cc;
    --tp-topo-app-bg: #e4ecf8;
    --tp-topo-font-size: 11px;
    --tp-topo-name-size: 13px;
    --tp-topo-field-width: 110px;
    --tp-topo-name-width: 130px;
    --tp-topo-graph-max-height: 55%;
    display: flex;
    flex-direction: column;
    overflow: auto;
    min-height: 0;
    font-size: var(--tp-font-size-small);
    padding: 0 var(--tp-space-2) var(--tp-space-2);
  }
  .graph {
    overflow: auto;
    flex: 0 0 auto;
    max-height: var(--tp-topo-graph-max-height);
    margin-top: var(--tp-space-2);
    border: var(--tp-border-width) solid var(--tp-border);
    border-radius: var(--tp-radius);
    background: var(--tp-bg);
  }
  svg {
    display: block;
    font-family: var(--tp-font-sans);
    font-size: var(--tp-topo-font-size);
  }
  .box {
    fill: var(--tp-topo-host-bg);
    stroke: var(--tp-topo-host-border);
    stroke-width: var(--tp-border-width);
  }
  .host.middle .box {
    fill: var(--tp-topo-middle-bg);
  }
  .hname {
    font-weight: bold;
    font-size: var(--tp-topo-name-size);
    fill: var(--tp-text);
  }
  .hinfo {
    fill: var(--tp-text-muted);
    font-family: var(--tp-font-mono);
  }
  .comp-bg {
    fill: var(--tp-topo-app-bg);
  }
  .comp.balancer .comp-bg {
    fill: var(--tp-topo-balancer-bg);
  }
  .comp {
    outline: none;
  }
  .comp.editable {
    cursor: pointer;
  }
  .comp.selected .comp-bg,
  .comp.editable:focus-visible .comp-bg {
    stroke: var(--tp-topo-selected);
    stroke-width: var(--tp-focus-width);
  }
  .ctext {
    fill: var(--tp-text);
    font-family: var(--tp-font-mono);
  }
  .link {
    cursor: pointer;
    outline: none;
  }
  .hit {
    stroke: transparent;
    stroke-width: var(--tp-topo-wire-hit);
  }
  .wire {
    stroke: var(--tp-topo-wire);
    stroke-width: var(--tp-topo-wire-width);
  }
  .link.down .wire {
    stroke: var(--tp-topo-down);
    stroke-dasharray: var(--tp-topo-dash);
  }
  .label-bg {
    fill: var(--tp-topo-label-bg);
    stroke: var(--tp-topo-wire);
    stroke-width: var(--tp-border-width);
  }
  .link.down .label-bg {
    stroke: var(--tp-topo-down);
    stroke-dasharray: var(--tp-topo-dash);
  }
  .link.selected .label-bg,
  .link:focus-visible .label-bg {
    stroke: var(--tp-topo-selected);
    stroke-width: var(--tp-focus-width);
  }
  .label {
    text-anchor: middle;
    fill: var(--tp-text);
    font-family: var(--tp-font-mono);
  }
  .label.name {
    font-weight: bold;
    font-family: var(--tp-font-sans);
  }
  .link.down .label.name {
    fill: var(--tp-topo-down);
  }
  h3 {
    font-size: var(--tp-font-size);
    margin: var(--tp-space-2) 0 var(--tp-space-1);
    display: flex;
    gap: var(--tp-space-2);
    align-items: center;
  }
  .state {
    font-size: var(--tp-font-size-small);
    padding: 0 var(--tp-space-1);
    border-radius: var(--tp-radius);
    border: var(--tp-border-width) solid currentColor;
  }
  .state.down {
    color: var(--tp-topo-down);
  }
  .state.up {
    color: var(--tp-text-muted);
  }
  .editor {
    margin-top: var(--tp-space-1);
  }
  .fields {
    display: flex;
    flex-direction: column;
    gap: var(--tp-space-1);
  }
  .frow {
    display: grid;
    grid-template-columns: var(--tp-topo-name-width) auto minmax(0, 1fr);
    gap: var(--tp-space-0) var(--tp-space-2);
    align-items: center;
  }
  .fname,
  .mono {
    font-family: var(--tp-font-mono);
  }
  .fdesc,
  .unit,
  .muted {
    color: var(--tp-text-muted);
  }
  input.value,
  select.value {
    font: inherit;
    font-family: var(--tp-font-mono);
    width: var(--tp-topo-field-width);
    min-height: var(--tp-control-small);
    box-sizing: border-box;
  }
  input[aria-invalid='true'] {
    outline: var(--tp-focus-width) solid var(--tp-danger);
  }
  .ferror {
    grid-column: 1 / -1;
    color: var(--tp-danger);
    margin: 0;
  }
  .buttons {
    display: flex;
    gap: var(--tp-space-2);
    margin-top: var(--tp-space-2);
  }
  button {
    font: inherit;
    min-height: var(--tp-control-small);
    padding: 0 var(--tp-space-2);
  }
  .take-down {
    color: var(--tp-topo-down);
  }
  .result {
    margin: var(--tp-space-1) 0 0;
  }
  .empty,
  .hint {
    padding: var(--tp-space-2) 0;
    margin: 0;
  }
`;
