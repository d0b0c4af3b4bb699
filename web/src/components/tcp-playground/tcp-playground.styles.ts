import { css } from 'lit';

import { tokens } from '../tokens.styles';

export const styles = [
  tokens,
  css`
    :host {
      display: block;
      position: relative;
      font-family: var(--tp-font-sans);
      font-size: var(--tp-font-size);
      color: var(--tp-text);
      background: var(--tp-bg);
      min-height: 480px;
      outline: none;
      contain: layout;
    }
    :host(:focus-visible) {
      outline: var(--tp-focus-width) solid var(--tp-focus);
      outline-offset: -2px;
    }
    .app {
      position: absolute;
      inset: 0;
      display: grid;
      grid-template-rows: var(--tp-header-height) auto minmax(0, 1fr) auto;
      grid-template-areas: 'top' 'error' 'main' 'controls';
    }
    .top {
      grid-area: top;
      display: flex;
      align-items: center;
      gap: var(--tp-space-3);
      padding: 0 var(--tp-space-2);
      border-bottom: var(--tp-border-width) solid var(--tp-border);
      background: var(--tp-surface);
      min-width: 0;
    }
    .title {
      font-size: var(--tp-font-size-title);
      margin: 0;
      white-space: nowrap;
    }
    .picker {
      display: flex;
      align-items: center;
      gap: var(--tp-space-1);
      min-width: 0;
      flex: 1;
      color: var(--tp-text-muted);
      font-size: var(--tp-font-size-small);
    }
    .lesson-select {
      font: inherit;
      font-size: var(--tp-font-size);
      color: var(--tp-text);
      min-width: 0;
      max-width: 100%;
      flex: 1;
      min-height: var(--tp-control-small);
    }
    .alerts {
      grid-area: error;
    }
    .work-notice {
      display: flex;
      align-items: center;
      gap: var(--tp-space-2);
      margin: 0;
      padding: var(--tp-space-1) var(--tp-space-2);
      background: var(--tp-callout-bg);
      color: var(--tp-callout-text);
      border-bottom: var(--tp-border-width) solid var(--tp-callout-border);
    }
    .work-notice button {
      font: inherit;
      margin-left: auto;
    }
    .error {
      margin: 0;
      padding: var(--tp-space-1) var(--tp-space-2);
      background: var(--tp-danger);
      color: var(--tp-accent-text);
    }
    .main {
      grid-area: main;
      display: grid;
      grid-template-columns: minmax(0, 1fr) var(--tp-side-width);
      min-height: 0;
    }
    .main.wide {
      grid-template-columns: minmax(0, 1fr) var(--tp-side-wide-width);
    }
    .ladder {
      min-height: 0;
    }
    .stop-at-points {
      display: flex;
      align-items: center;
      gap: var(--tp-space-1);
      white-space: nowrap;
      font-size: var(--tp-font-size-small);
    }
    .side {
      display: flex;
      flex-direction: column;
      min-height: 0;
      border-left: var(--tp-border-width) solid var(--tp-border);
      background: var(--tp-bg);
    }
    .side > [hidden] {
      display: none;
    }
    .side > tp-lessons,
    .side > tp-state-diagram,
    .side > tp-connections,
    .side > tp-log,
    .side > tp-composer,
    .side > tp-inspector,
    .side > tp-sockets,
    .side > tp-timeouts,
    .side > tp-topology,
    .side > tp-editor {
      flex: 1;
      min-height: 0;
    }
    .tabs {
      display: flex;
      /* More tabs than fit the narrow side panel go to a second row rather than out of view. */
      flex-wrap: wrap;
      border-bottom: var(--tp-border-width) solid var(--tp-border);
    }
    .tabs button {
      flex: 1 1 auto;
      font: inherit;
      padding: var(--tp-space-1);
      border: none;
      border-bottom: var(--tp-focus-width) solid transparent;
      background: var(--tp-surface);
      color: var(--tp-text-muted);
      cursor: pointer;
      min-height: var(--tp-control-size);
    }
    .tabs button[aria-selected='true'] {
      color: var(--tp-text);
      border-bottom-color: var(--tp-accent);
      background: var(--tp-bg);
      font-weight: bold;
    }
    .controls {
      grid-area: controls;
    }
    .message {
      padding: var(--tp-space-3);
      margin: 0;
      font-size: var(--tp-font-size);
    }
    @container (max-width: 800px) {
      .main {
        grid-template-columns: minmax(0, 1fr);
      }
    }
    @media (max-width: 800px) {
      .main {
        grid-template-columns: minmax(0, 1fr);
        grid-template-rows: minmax(0, 2fr) minmax(0, 1fr);
      }
      .side {
        border-left: none;
        border-top: var(--tp-border-width) solid var(--tp-border);
      }
    }
  `,
];
