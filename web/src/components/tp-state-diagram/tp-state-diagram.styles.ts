import { css } from 'lit';

export const styles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-height: 0;
    overflow: auto;
    font-size: var(--tp-font-size-small);
  }
  .bar {
    display: flex;
    gap: var(--tp-space-3);
    align-items: center;
    padding: 0 var(--tp-space-2);
    color: var(--tp-text-muted);
  }
  .hint {
    font-size: var(--tp-font-size-small);
  }
  .panes {
    display: flex;
    gap: var(--tp-space-2);
    padding: 0 var(--tp-space-2) var(--tp-space-2);
  }
  .pane {
    flex: 1;
    min-width: 0;
  }
  .pane-title {
    margin: 0;
    font-size: var(--tp-font-size);
  }
  .conn {
    color: var(--tp-text-muted);
    font-weight: normal;
  }
  /* Drawn at 1:1 where there is room (half the wide panel at 1280x720), smaller only if not. */
  .figure {
    width: 100%;
    max-width: var(--tp-state-figure-width);
    height: auto;
    display: block;
    margin: 0 auto;
  }
  .node rect {
    fill: var(--tp-state-node-bg);
    stroke: var(--tp-state-node-border);
    stroke-width: 1;
  }
  .node.visited rect {
    fill: var(--tp-state-node-visited);
  }
  .node.current rect {
    fill: var(--tp-state-node-current);
    stroke: var(--tp-state-node-current-border);
    stroke-width: 3;
  }
  .state-name {
    text-anchor: middle;
    font-family: var(--tp-font-mono);
    font-size: var(--tp-state-font-size);
    font-weight: bold;
    fill: var(--tp-text);
  }
  path.edge {
    fill: none;
    stroke: var(--tp-state-edge);
    stroke-width: 1;
    opacity: 0.45;
  }
  .arrowhead {
    fill: var(--tp-state-edge);
  }
  path.taken {
    stroke: var(--tp-state-taken);
    stroke-width: 3;
    opacity: 0.5;
  }
  path.last {
    stroke: var(--tp-state-last);
    stroke-width: 3;
    opacity: 1;
    stroke-dasharray: 400;
    animation: draw var(--tp-state-anim) ease-out;
  }
  path.offfig {
    stroke: var(--tp-state-offfig);
    stroke-width: 2;
    stroke-dasharray: 6 4;
    opacity: 0.9;
  }
  path.offfig.last {
    animation: none;
  }
  @keyframes draw {
    from {
      stroke-dashoffset: 400;
    }
    to {
      stroke-dashoffset: 0;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    path.last {
      animation: none;
    }
  }
  .label {
    font-size: var(--tp-state-label-size);
    fill: var(--tp-text-muted);
    paint-order: stroke;
    stroke: var(--tp-bg);
    stroke-width: 3;
  }
  g.taken .label,
  g.last .label {
    fill: var(--tp-text);
  }
  g.last .label {
    font-weight: bold;
  }
  .label.cause {
    fill: var(--tp-state-offfig);
    font-weight: bold;
  }
  .rule {
    stroke: var(--tp-text-muted);
    stroke-width: 0.6;
  }
  .explain,
  .last-transition {
    margin: var(--tp-space-1) 0;
  }
  .offfig-note {
    color: var(--tp-state-offfig);
  }
  .taken-list {
    margin: 0;
    padding-left: var(--tp-space-3);
    font-family: var(--tp-font-mono);
    font-size: var(--tp-font-size-small);
    color: var(--tp-text-muted);
  }
  .empty {
    padding: var(--tp-space-2);
  }
`;
