import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    overflow: auto;
    min-height: 0;
    font-size: var(--tp-font-size-small);
    padding: 0 var(--tp-space-2) var(--tp-space-2);
  }
  h3 {
    font-size: var(--tp-font-size);
    margin: var(--tp-space-2) 0 var(--tp-space-1);
  }
  .form {
    display: flex;
    flex-wrap: wrap;
    align-items: flex-end;
    gap: var(--tp-space-1) var(--tp-space-2);
    padding: var(--tp-space-1);
    margin-bottom: var(--tp-space-1);
    background: var(--tp-surface);
    border-radius: var(--tp-radius);
  }
  .field {
    display: flex;
    flex-direction: column;
    gap: var(--tp-space-0);
  }
  .field span {
    color: var(--tp-text-muted);
  }
  .check {
    display: flex;
    align-items: center;
    gap: var(--tp-space-1);
    min-height: var(--tp-control-small);
  }
  input,
  select,
  button {
    font: inherit;
    min-height: var(--tp-control-small);
    box-sizing: border-box;
  }
  input[aria-invalid='true'],
  select[aria-invalid='true'] {
    outline: var(--tp-focus-width) solid var(--tp-danger);
  }
  button {
    border: var(--tp-border-width) solid var(--tp-border);
    border-radius: var(--tp-radius);
    background: var(--tp-bg);
    color: var(--tp-text);
    padding: 0 var(--tp-space-2);
    cursor: pointer;
  }
  button:hover {
    background: var(--tp-accent-soft);
  }
  button.small {
    min-height: var(--tp-sockets-small-button);
    padding: 0 var(--tp-space-1);
  }
  .error,
  .done {
    margin: 0 0 var(--tp-space-1);
    padding: var(--tp-space-1);
    border-radius: var(--tp-radius);
  }
  .error {
    color: var(--tp-accent-text);
    background: var(--tp-danger);
  }
  .done {
    color: var(--tp-text);
    background: var(--tp-accent-soft);
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .cards {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(var(--tp-sockets-card-min), 1fr));
    gap: var(--tp-space-1);
  }
  .card {
    border: var(--tp-border-width) solid var(--tp-border);
    border-radius: var(--tp-radius);
    padding: var(--tp-space-1);
    cursor: pointer;
    min-width: 0;
  }
  .card.chosen {
    border-color: var(--tp-accent);
    box-shadow: 0 0 0 var(--tp-border-width) var(--tp-accent);
  }
  .card.gone {
    background: var(--tp-conn-closed-bg);
    color: var(--tp-conn-closed-text);
  }
  .head {
    display: flex;
    flex-wrap: wrap;
    gap: var(--tp-space-0) var(--tp-space-2);
    align-items: baseline;
  }
  .name {
    font-weight: bold;
  }
  .muted,
  .when,
  .note {
    color: var(--tp-text-muted);
  }
  .mono {
    font-family: var(--tp-font-mono);
    font-size: var(--tp-conn-mono-size);
    overflow-wrap: anywhere;
  }
  .state {
    font-family: var(--tp-font-mono);
    font-weight: bold;
  }
  .view {
    margin-top: var(--tp-space-0);
  }
  .seen {
    padding-left: var(--tp-space-2);
    border-left: var(--tp-sockets-seen-bar) solid var(--tp-border);
    overflow-wrap: anywhere;
  }
  .seen.k-ok {
    border-left-color: var(--tp-sockets-ok);
  }
  .seen.k-data {
    border-left-color: var(--tp-accent);
  }
  .seen.k-eof {
    border-left-color: var(--tp-sockets-eof);
  }
  .seen.k-error {
    border-left-color: var(--tp-danger);
  }
  .seen .note {
    display: block;
  }
  .card.gone .seen.k-error {
    color: var(--tp-danger);
  }
  .listeners li {
    display: flex;
    gap: var(--tp-space-2);
    align-items: center;
    margin-bottom: var(--tp-space-1);
  }
  .empty {
    color: var(--tp-text-muted);
    margin: var(--tp-space-1) 0;
  }
`;
