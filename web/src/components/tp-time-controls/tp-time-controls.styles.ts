import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    background: var(--tp-surface);
    border-top: var(--tp-border-width) solid var(--tp-border);
    padding: var(--tp-space-1) var(--tp-space-2);
  }
  .row {
    display: flex;
    align-items: center;
    gap: var(--tp-space-2);
    flex-wrap: wrap;
  }
  button {
    font: inherit;
    min-width: var(--tp-control-size);
    min-height: var(--tp-control-size);
    border: var(--tp-border-width) solid var(--tp-border);
    border-radius: var(--tp-radius);
    background: var(--tp-surface-raised);
    color: var(--tp-text);
    cursor: pointer;
  }
  button.play {
    background: var(--tp-accent);
    color: var(--tp-accent-text);
    border-color: var(--tp-accent);
    min-width: calc(var(--tp-control-size) * 1.4);
  }
  button:focus-visible,
  input:focus-visible {
    outline: var(--tp-focus-width) solid var(--tp-focus);
    outline-offset: 1px;
  }
  .clock {
    font-family: var(--tp-font-mono);
    font-size: var(--tp-font-size-clock);
    font-variant-numeric: tabular-nums;
    min-width: 11ch;
    color: var(--tp-text);
  }
  .status {
    color: var(--tp-text-muted);
    font-size: var(--tp-font-size-small);
    min-width: 8ch;
  }
  label {
    display: inline-flex;
    align-items: center;
    gap: var(--tp-space-1);
    font-size: var(--tp-font-size-small);
    color: var(--tp-text-muted);
  }
  .speed input {
    width: var(--tp-speed-width);
  }
  .speed-value {
    font-family: var(--tp-font-mono);
    min-width: 7ch;
    color: var(--tp-text);
  }
  .jump {
    display: inline-flex;
    gap: var(--tp-space-1);
    margin-left: auto;
  }
  .jump input {
    font: inherit;
    font-family: var(--tp-font-mono);
    padding: var(--tp-space-0) var(--tp-space-1);
    border: var(--tp-border-width) solid var(--tp-border);
    border-radius: var(--tp-radius);
  }
  .jump input[aria-invalid='true'] {
    border-color: var(--tp-danger);
  }
  .jump button {
    min-height: var(--tp-control-small);
  }
  .scrubber {
    position: relative;
    margin-top: var(--tp-space-1);
  }
  .markers {
    display: block;
    width: 100%;
    height: var(--tp-marker-height);
  }
  .timeline {
    display: block;
    width: 100%;
    margin: 0;
  }
  .ends {
    display: flex;
    justify-content: space-between;
    font-size: var(--tp-font-size-small);
    color: var(--tp-text-muted);
    font-family: var(--tp-font-mono);
  }
`;
