import { css } from 'lit';

export const styles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-height: 0;
  }
  .filters {
    display: flex;
    gap: var(--tp-space-2);
    align-items: center;
    padding: var(--tp-space-1) var(--tp-space-2);
    font-size: var(--tp-font-size-small);
    color: var(--tp-text-muted);
    border-bottom: var(--tp-border-width) solid var(--tp-border);
    flex-wrap: wrap;
  }
  select {
    font: inherit;
  }
  .count {
    margin-left: auto;
  }
  .scroller {
    flex: 1;
    min-height: 0;
    overflow: auto;
    position: relative;
    font-family: var(--tp-font-mono);
    font-size: var(--tp-font-size-log);
  }
  .scroller:focus-visible {
    outline: var(--tp-focus-width) solid var(--tp-focus);
    outline-offset: -2px;
  }
  .spacer {
    height: var(--log-height, 0);
  }
  .rows {
    position: absolute;
    top: 0;
    left: 0;
    min-width: 100%;
    transform: translateY(var(--log-offset, 0));
  }
  .line {
    height: var(--tp-log-row-height);
    line-height: var(--tp-log-row-height);
    white-space: pre;
    padding: 0 var(--tp-space-2);
    cursor: pointer;
    color: var(--tp-text);
  }
  .line[hidden] {
    display: none;
  }
  .line:hover {
    background: var(--tp-surface-raised);
  }
  .line.state,
  .line.timer,
  .line.app,
  .line.param,
  .line.note {
    color: var(--tp-log-annotation);
  }
  .line.drop,
  .line.error {
    color: var(--tp-danger);
  }
  .line.selected {
    background: var(--tp-accent-soft);
    outline: var(--tp-border-width) solid var(--tp-accent);
  }
  .line.empty {
    color: var(--tp-text-muted);
    cursor: default;
  }
`;
