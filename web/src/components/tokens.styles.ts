import { css } from 'lit';

/**
 * Every colour and size of the playground, as custom properties on <tcp-playground>. A page (or
 * a theme) overrides them on the element: `tcp-playground { --tp-accent: #0a7; }`. Children
 * inherit them through their shadow roots.
 */
export const tokens = css`
  :host {
    --tp-font-sans: system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans KR', sans-serif;
    --tp-font-mono: ui-monospace, 'SFMono-Regular', 'DejaVu Sans Mono', Menlo, Consolas, monospace;
    --tp-font-size: 14px;
    --tp-font-size-small: 12px;
    --tp-font-size-log: 12px;
    --tp-font-size-clock: 18px;
    --tp-font-size-title: 16px;
    --tp-line-height: 1.45;

    --tp-bg: #ffffff;
    --tp-surface: #f6f7f9;
    --tp-surface-raised: #e9ecf0;
    --tp-text: #1b1f24;
    --tp-text-muted: #5c6570;
    --tp-border: #c9ced6;
    --tp-accent: #1f5fbf;
    --tp-accent-soft: #dce8fb;
    --tp-accent-text: #ffffff;
    --tp-danger: #b00020;
    --tp-focus: #1f5fbf;
    --tp-shadow: 0 4px 18px rgba(0, 0, 0, 0.25);

    --tp-space-0: 2px;
    --tp-space-1: 4px;
    --tp-space-2: 8px;
    --tp-space-3: 16px;
    --tp-radius: 4px;
    --tp-border-width: 1px;
    --tp-focus-width: 2px;
    --tp-control-size: 32px;
    --tp-control-small: 24px;
    --tp-header-height: 44px;
    --tp-side-width: 380px;
    --tp-side-wide-width: 760px;
    --tp-callout-width: 230px;
    --tp-callout-lines: 6;
    --tp-callout-min-ladder: 700px;
    --tp-callout-badge-margin: 30px;
    --tp-callout-bg: #fff8d6;
    --tp-callout-text: #1b1f24;
    --tp-callout-border: #b07a00;
    --tp-state-font-size: 11px;
    --tp-state-label-size: 11px;
    --tp-state-figure-width: 360px;
    --tp-state-node-bg: #f6f7f9;
    --tp-state-node-border: #8a929c;
    --tp-state-node-visited: #e4ecf8;
    --tp-state-node-current: #ffe08a;
    --tp-state-node-current-border: #b07a00;
    --tp-state-edge: #5c6570;
    --tp-state-taken: #1f5fbf;
    --tp-state-last: #d03c00;
    --tp-state-offfig: #a40000;
    --tp-state-anim: 0.8s;
    --tp-conn-closed-bg: #eef0f3;
    --tp-conn-closed-text: #6b737c;
    --tp-conn-mono-size: 11px;
    --tp-speed-width: 140px;
    --tp-marker-height: 9px;
    --tp-log-row-height: 18px;
    --tp-tooltip-width: 520px;
    --tp-tooltip-bg: #1b1f24;
    --tp-tooltip-text: #f4f5f7;
    --tp-tour-width: 300px;
    --tp-tour-bg: #1b2a44;
    --tp-tour-text: #ffffff;
    --tp-tour-ring: #ff9d00;
    --tp-tour-ring-width: 3px;

    --tp-ladder-bg: #ffffff;
    --tp-ladder-header-bg: #f4f5f7;
    --tp-ladder-text: #1b1f24;
    --tp-ladder-muted: #5c6570;
    --tp-ladder-grid: #d0d4da;
    --tp-ladder-lifeline: #8a929c;
    --tp-ladder-tcp: #2b4c8c;
    --tp-ladder-synfin: #4a4a4a;
    --tp-ladder-rst: #a40000;
    --tp-ladder-udp: #0b6e99;
    --tp-ladder-icmp: #8a5a00;
    --tp-ladder-drop: #c00000;
    --tp-ladder-playhead: #d03c00;
    --tp-ladder-select: #7b2fbf;
    --tp-ladder-hover: #e08a00;
    --tp-ladder-fold: #eef0f3;
    --tp-ladder-timer: #9aa3ad;
    --tp-ladder-timer-text: #4a525b;
    --tp-ladder-state-text: #111111;
    --tp-ladder-font-family: var(--tp-font-mono);
    --tp-ladder-font-size: 11px;
    --tp-ladder-header-height: 46px;
    --tp-ladder-gutter: 78px;
    --tp-state-established: #9be3a8;
    --tp-state-handshake: #ffe08a;
    --tp-state-closing: #ffc58a;
    --tp-state-time-wait: #d5b8f0;
    --tp-state-closed: #d8dce1;
    --tp-mark-retransmission: #d0021b;
    --tp-mark-duplicate: #7b2fbf;
    --tp-mark-zero-window-probe: #c25e00;
    --tp-mark-keepalive: #00796b;
    --tp-mark-challenge-ack: #b0007a;
    --tp-mark-dup-ack: #725000;
    --tp-mark-zero-window: #c25e00;
    --tp-mark-rst-reply: #a40000;
    --tp-mark-other: #555555;
    --tp-mark-window-update: #2e7d32;
    --tp-marker-state: #2b6cb0;
    --tp-marker-drop: #c00000;
    --tp-marker-timer: #c98a00;
    --tp-log-annotation: #4a5a70;

    /* The flag composer and the packet inspector (issue 20, part A). */
    --tp-composer-side-width: 230px;
    --tp-composer-port-width: 72px;
    --tp-composer-seq-width: 110px;
    --tp-composer-flag-width: 34px;
    --tp-composer-odd: #8a5a00;
    --tp-composer-accepted: #2e7d32;
    --tp-inspector-hl-bg: #ffd95a;
    --tp-inspector-hl-text: #1b1f24;
    --tp-inspector-row-hl: #fff1b8;
    --tp-inspector-hex-size: 12px;
    --tp-inspector-depth: 14px;
    --tp-inspector-ok: #2e7d32;
    --tp-ladder-verdict: #7b2fbf;
    /* The socket panel (tp-sockets) and the timeouts and parameters panel (tp-timeouts). */
    --tp-sockets-small-button: 20px;
    --tp-sockets-card-min: 330px;
    --tp-sockets-seen-bar: 3px;
    --tp-sockets-ok: #2e7d32;
    --tp-sockets-eof: #b07a00;
    --tp-timeouts-name-width: 190px;
    --tp-timeouts-value-width: 90px;
    --tp-timeouts-changed: #8a5a00;
    --tp-timeouts-card-min: 230px;
    /* The scenario editor (tp-editor) and the saved-work notice. */
    --tp-editor-font-size: 12px;
    --tp-editor-line-height: 18px;
    --tp-editor-pad: 4px;
    --tp-editor-min-height: 200px;
    --tp-editor-errors-height: 120px;
    --tp-editor-bg: #ffffff;
    --tp-editor-text: #1b1f24;
    --tp-editor-caret: #1b1f24;
    --tp-editor-selection: rgba(31, 95, 191, 0.25);
    --tp-editor-gutter-bg: #f4f5f7;
    --tp-editor-gutter-text: #6b737c;
    --tp-editor-key: #0b4f8a;
    --tp-editor-string: #1d6b2c;
    --tp-editor-number: #9a4a00;
    --tp-editor-literal: #7b2fbf;
    --tp-editor-punct: #5c6570;
    --tp-editor-match-bg: #ffe08a;
    --tp-editor-match-border: #b07a00;
    --tp-editor-error-bg: #fde7ea;
    --tp-editor-edited: #8a5a00;
  }
`;
