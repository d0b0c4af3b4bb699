import { css } from 'lit';

export const styles = css`
  :host {
    position: absolute;
    inset: 0;
    pointer-events: none;
    z-index: 10;
  }
  .ring {
    position: absolute;
    left: var(--ring-x, 0);
    top: var(--ring-y, 0);
    width: var(--ring-w, 0);
    height: var(--ring-h, 0);
    border: var(--tp-tour-ring-width) solid var(--tp-tour-ring);
    border-radius: var(--tp-radius);
    box-sizing: border-box;
  }
  .box {
    position: absolute;
    left: var(--box-x, 0);
    top: var(--box-y, 0);
    width: var(--tp-tour-width);
    pointer-events: auto;
    background: var(--tp-tour-bg);
    color: var(--tp-tour-text);
    border-radius: var(--tp-radius);
    padding: var(--tp-space-2) var(--tp-space-3);
    box-shadow: var(--tp-shadow);
    font-size: var(--tp-font-size);
    line-height: var(--tp-line-height);
  }
  p {
    margin: 0 0 var(--tp-space-2);
  }
  .buttons {
    display: flex;
    gap: var(--tp-space-2);
    align-items: center;
  }
  .step {
    margin-right: auto;
    font-size: var(--tp-font-size-small);
    opacity: 0.8;
  }
  button {
    font: inherit;
    border-radius: var(--tp-radius);
    border: var(--tp-border-width) solid var(--tp-tour-text);
    background: none;
    color: var(--tp-tour-text);
    padding: var(--tp-space-0) var(--tp-space-2);
    cursor: pointer;
  }
  button.next {
    background: var(--tp-tour-text);
    color: var(--tp-tour-bg);
  }
`;
