import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    overflow: auto;
    min-height: 0;
  }
  .lessons {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .lesson {
    border-bottom: var(--tp-border-width) solid var(--tp-border);
  }
  .title {
    display: block;
    width: 100%;
    text-align: left;
    font: inherit;
    font-size: var(--tp-font-size);
    padding: var(--tp-space-1) var(--tp-space-2);
    background: none;
    border: none;
    color: var(--tp-text);
    cursor: pointer;
  }
  .title:hover {
    background: var(--tp-surface-raised);
  }
  .title:focus-visible {
    outline: var(--tp-focus-width) solid var(--tp-focus);
    outline-offset: -2px;
  }
  .current .title {
    font-weight: bold;
    background: var(--tp-accent-soft);
  }
  .number {
    display: inline-block;
    min-width: 2ch;
    color: var(--tp-text-muted);
    font-variant-numeric: tabular-nums;
  }
  .body {
    padding: 0 var(--tp-space-2) var(--tp-space-2);
    font-size: var(--tp-font-size-small);
    line-height: var(--tp-line-height);
    color: var(--tp-text);
  }
  h3 {
    font-size: var(--tp-font-size-small);
    margin: var(--tp-space-2) 0 var(--tp-space-1);
  }
  .watch {
    margin: 0;
    padding-left: var(--tp-space-3);
  }
  .watch li {
    margin-bottom: var(--tp-space-1);
  }

  .watch {
    list-style: none;
    padding-left: 0;
  }
  .point {
    display: flex;
    gap: var(--tp-space-1);
    align-items: flex-start;
    padding: var(--tp-space-0) var(--tp-space-1);
    border-radius: var(--tp-radius);
  }
  .point .mark {
    flex: none;
    min-width: 1.4em;
    text-align: center;
    border-radius: 50%;
    border: var(--tp-border-width) solid var(--tp-border);
    color: var(--tp-text-muted);
  }
  .point.seen .mark {
    background: var(--tp-callout-border);
    border-color: var(--tp-callout-border);
    color: var(--tp-callout-bg);
  }
  .point.latest {
    background: var(--tp-callout-bg);
    outline: var(--tp-focus-width) solid var(--tp-callout-border);
  }
  .point .text {
    flex: 1;
  }
  .jump {
    flex: none;
    font: inherit;
    font-size: var(--tp-font-size-small);
    cursor: pointer;
  }
  .progress {
    font-weight: normal;
    color: var(--tp-text-muted);
    font-size: var(--tp-font-size-small);
  }
`;
