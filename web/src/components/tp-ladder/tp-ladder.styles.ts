import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    position: relative;
    min-height: 0;
    min-width: 0;
  }
  .ladder {
    position: absolute;
    inset: 0;
    display: flex;
    flex-direction: column;
  }
  .stage {
    position: relative;
    flex: 1;
    min-height: 0;
  }
  canvas {
    display: block;
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
    touch-action: none;
    cursor: crosshair;
  }
  .callouts {
    position: absolute;
    inset: 0;
    pointer-events: none;
    overflow: hidden;
  }
  /* Callouts sit in the margin right of the lifelines (tp-ladder keeps it free), joined by a
     leader to the dashed guide the canvas draws from the host's lifeline at the moment. */
  .leaders {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
    overflow: visible;
  }
  .leader {
    stroke: var(--tp-callout-border);
    stroke-width: 1;
    fill: none;
  }
  .leader.latest {
    stroke-width: 1.5;
  }
  .callout {
    position: absolute;
    top: var(--callout-y);
    left: var(--callout-x);
    width: var(--tp-callout-width);
    box-sizing: border-box;
    display: flex;
    gap: var(--tp-space-1);
    align-items: flex-start;
    padding: var(--tp-space-0) var(--tp-space-1);
    background: var(--tp-callout-bg);
    color: var(--tp-callout-text);
    border: var(--tp-border-width) solid var(--tp-callout-border);
    border-radius: var(--tp-radius);
    font-size: var(--tp-font-size-small);
    line-height: 1.25;
    opacity: 0.85;
  }
  .callout.latest {
    opacity: 1;
    border-width: var(--tp-focus-width);
    box-shadow: var(--tp-shadow);
    z-index: 1;
  }
  .callout .num {
    flex: none;
    font-weight: bold;
    min-width: 1.4em;
    text-align: center;
    border-radius: 50%;
    background: var(--tp-callout-border);
    color: var(--tp-callout-bg);
  }
  .callout .text {
    display: -webkit-box;
    -webkit-line-clamp: var(--tp-callout-lines);
    -webkit-box-orient: vertical;
    overflow: hidden;
  }
  .callout:not(.latest) .text {
    -webkit-line-clamp: 2;
  }
  /* A narrow ladder: only the number, in a thin strip (the text is the tooltip and the lesson's). */
  .callout.badge {
    width: auto;
    padding: var(--tp-space-0);
  }
  .callout.badge .text {
    display: none;
  }
  .toolbar {
    display: flex;
    justify-content: flex-end;
    gap: var(--tp-space-1);
    padding: var(--tp-space-1) var(--tp-space-2);
    background: var(--tp-surface);
    border-bottom: var(--tp-border-width) solid var(--tp-border);
  }
  .toolbar button {
    font: inherit;
    font-size: var(--tp-font-size-small);
    padding: var(--tp-space-0) var(--tp-space-2);
    border: var(--tp-border-width) solid var(--tp-border);
    border-radius: var(--tp-radius);
    background: var(--tp-surface);
    color: var(--tp-text);
    cursor: pointer;
    min-height: var(--tp-control-small);
  }
  .toolbar button[aria-pressed='true'] {
    background: var(--tp-accent-soft);
    border-color: var(--tp-accent);
  }
  .tooltip {
    position: absolute;
    left: var(--tip-x, 0);
    top: var(--tip-y, 0);
    max-width: var(--tp-tooltip-width);
    padding: var(--tp-space-1) var(--tp-space-2);
    background: var(--tp-tooltip-bg);
    color: var(--tp-tooltip-text);
    border-radius: var(--tp-radius);
    font-family: var(--tp-font-mono);
    font-size: var(--tp-font-size-small);
    white-space: pre-wrap;
    word-break: break-all;
    pointer-events: none;
    z-index: 2;
  }
  .tooltip[hidden] {
    display: none;
  }
  /* The accessible text twin of the canvas: read by screen readers and tests, not shown. */
  .twin {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    clip-path: inset(50%);
    white-space: nowrap;
    margin: 0;
    padding: 0;
  }
  /* The composer's verdict on its last crafted segment, by the receiver's lifeline. */
  .verdict {
    position: absolute;
    left: var(--verdict-x);
    top: var(--verdict-y);
    max-width: min(var(--tp-callout-width), var(--verdict-room));
    box-sizing: border-box;
    padding: 0 var(--tp-space-1);
    font-family: var(--tp-ladder-font-family);
    font-size: var(--tp-ladder-font-size);
    color: var(--tp-ladder-verdict);
    background: var(--tp-ladder-bg);
    border: var(--tp-border-width) solid var(--tp-ladder-verdict);
    border-radius: var(--tp-radius);
    pointer-events: none;
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .verdict.flip {
    transform: translateX(-100%);
  }
  .verdict[hidden] {
    display: none;
  }
`;
