import { css } from 'lit';

export const styles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-height: 0;
    font-size: var(--tp-font-size-small);
    --ed-digits: 3;
  }
  .bar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--tp-space-1);
    padding: var(--tp-space-1) var(--tp-space-2);
    background: var(--tp-surface);
    border-bottom: var(--tp-border-width) solid var(--tp-border);
  }
  button {
    font: inherit;
    min-height: var(--tp-control-small);
    padding: 0 var(--tp-space-2);
    cursor: pointer;
  }
  button.apply:not([disabled]) {
    background: var(--tp-accent);
    color: var(--tp-accent-text);
    border: var(--tp-border-width) solid var(--tp-accent);
    border-radius: var(--tp-radius);
  }
  .status {
    margin-left: auto;
    color: var(--tp-text-muted);
  }
  .status.invalid {
    color: var(--tp-danger);
    font-weight: bold;
  }
  .status.edited {
    color: var(--tp-editor-edited);
  }
  .notice,
  .file-error {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--tp-space-1);
    margin: 0;
    padding: var(--tp-space-1) var(--tp-space-2);
    background: var(--tp-callout-bg);
    color: var(--tp-callout-text);
    border-bottom: var(--tp-border-width) solid var(--tp-callout-border);
  }
  .surface {
    flex: 1;
    min-height: var(--tp-editor-min-height);
    display: flex;
    position: relative;
    overflow: hidden;
    background: var(--tp-editor-bg);
    font-family: var(--tp-font-mono);
    font-size: var(--tp-editor-font-size);
    line-height: var(--tp-editor-line-height);
  }
  .gutter {
    flex: none;
    width: calc(var(--ed-digits) * 1ch + var(--tp-space-3));
    overflow: hidden;
    background: var(--tp-editor-gutter-bg);
    color: var(--tp-editor-gutter-text);
    border-right: var(--tp-border-width) solid var(--tp-border);
    position: relative;
  }
  .gutter-lines {
    position: absolute;
    top: var(--tp-editor-pad);
    left: 0;
    right: 0;
    transform: translateY(var(--ed-y, 0));
  }
  .num {
    text-align: right;
    padding-right: var(--tp-space-1);
    height: var(--tp-editor-line-height);
    white-space: nowrap;
  }
  .num.err {
    background: var(--tp-editor-error-bg);
    color: var(--tp-danger);
    font-weight: bold;
  }
  .dot {
    float: left;
    padding-left: var(--tp-space-0);
  }
  .area {
    flex: 1;
    position: relative;
    min-width: 0;
    overflow: hidden;
  }
  pre.hl,
  textarea.text {
    font: inherit;
    line-height: inherit;
    tab-size: 2;
    letter-spacing: 0;
    white-space: pre;
    margin: 0;
    padding: var(--tp-editor-pad);
    border: none;
  }
  pre.hl {
    position: absolute;
    top: 0;
    left: 0;
    min-width: 100%;
    box-sizing: border-box;
    color: var(--tp-editor-text);
    pointer-events: none;
    transform: translate(var(--ed-x, 0), var(--ed-y, 0));
  }
  .line {
    height: var(--tp-editor-line-height);
  }
  .line.err {
    background: var(--tp-editor-error-bg);
    text-decoration: underline wavy var(--tp-danger);
    text-decoration-skip-ink: none;
  }
  textarea.text {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
    box-sizing: border-box;
    resize: none;
    overflow: auto;
    background: transparent;
    color: transparent;
    caret-color: var(--tp-editor-caret);
    outline: none;
  }
  textarea.text::selection {
    background: var(--tp-editor-selection);
    color: transparent;
  }
  textarea.text:focus-visible {
    box-shadow: inset 0 0 0 var(--tp-focus-width) var(--tp-focus);
  }
  .t-key {
    color: var(--tp-editor-key);
  }
  .t-string {
    color: var(--tp-editor-string);
  }
  .t-number {
    color: var(--tp-editor-number);
  }
  .t-literal {
    color: var(--tp-editor-literal);
    font-weight: bold;
  }
  .t-punct {
    color: var(--tp-editor-punct);
  }
  .t-bad {
    color: var(--tp-danger);
    text-decoration: underline wavy var(--tp-danger);
  }
  .match {
    background: var(--tp-editor-match-bg);
    outline: var(--tp-border-width) solid var(--tp-editor-match-border);
  }
  .nomatch {
    background: var(--tp-editor-error-bg);
    color: var(--tp-danger);
  }
  .errors {
    list-style: none;
    margin: 0;
    padding: var(--tp-space-1) var(--tp-space-2);
    max-height: var(--tp-editor-errors-height);
    overflow: auto;
    border-top: var(--tp-border-width) solid var(--tp-danger);
    background: var(--tp-editor-error-bg);
  }
  .errors button {
    display: flex;
    gap: var(--tp-space-2);
    width: 100%;
    text-align: left;
    background: none;
    border: none;
    padding: var(--tp-space-0) 0;
    color: var(--tp-text);
  }
  .errors button:hover .message {
    text-decoration: underline;
  }
  .where {
    color: var(--tp-danger);
    font-weight: bold;
    white-space: nowrap;
  }
  .path {
    font-family: var(--tp-font-mono);
    white-space: nowrap;
  }
  .hint {
    margin: 0;
    padding: var(--tp-space-1) var(--tp-space-2);
    color: var(--tp-text-muted);
  }
`;
