import { LitElement, html, nothing } from 'lit';

import type { PacketDetail } from '../../../api/playground';
import type { EngineController } from '../../engine/controller';
import { msg } from '../../i18n';
import { FieldRow, asciiOf, flattenLayers, hex2, rowOfByte } from '../../model/packet-rows';
import { formatTime } from '../../util/time';
import { styles } from './tp-inspector.styles';

/** Bytes shown in the hex dump at most (a span per byte: a jumbo segment would be 65,535). */
const MAX_BYTES = 4096;
const PER_ROW = 16;

/**
 * The packet inspector: for the selected packet (the ladder's and the log's selection), its
 * decoded IPv4 and TCP/UDP/ICMP fields with Wireshark's names, options, payload as text and hex,
 * checksum validity, relative and absolute seq/ack, where and why it was dropped, and the hex
 * dump. Pointing at a field row highlights its bytes; pointing at a byte highlights the innermost
 * field holding it (and its bytes).
 */
export class TpInspector extends LitElement {
  static override styles = styles;

  controller: EngineController | null = null;
  /** Model index of the selected packet's packet_sent, -1 for none. */
  private sentEvent = -1;
  private packetId = 0;
  private detail: PacketDetail | null = null;
  private error = '';
  private rows: FieldRow[] = [];
  /** The highlighted row and byte range [hlFrom, hlTo). */
  hlRow = -1;
  hlFrom = -1;
  hlTo = -1;
  private lastVersion = -1;

  /** A new lesson: nothing selected. */
  reset(): void {
    this.sentEvent = -1;
    this.packetId = 0;
    this.detail = null;
    this.rows = [];
    this.error = '';
    this.clearHighlight();
    this.requestUpdate();
  }

  /** Shows the packet of trace event `event` (model index; any of its sent, received or dropped events). */
  select(event: number): void {
    const c = this.controller;
    if (!c) return;
    const m = c.model;
    const row = event >= 0 ? m.rowOfEvent(event) : -1;
    if (row < 0) return;
    this.sentEvent = m.pSendEv.a[row];
    this.packetId = m.cols.packet[this.sentEvent];
    this.clearHighlight();
    try {
      this.detail = c.feed.pg.packet(this.packetId);
      this.rows = flattenLayers(this.detail.layers);
      this.error = '';
    } catch (e) {
      this.detail = null;
      this.rows = [];
      this.error = msg('inspector.gone', { id: this.packetId, message: e instanceof Error ? e.message : String(e) });
    }
    this.requestUpdate();
  }

  /** The packet shown (its id), 0 for none. */
  get packet(): number {
    return this.packetId;
  }

  /** The trace moved: the packet may have arrived or been dropped since. */
  refresh(): void {
    const v = this.controller?.model.version ?? -1;
    if (v === this.lastVersion) return;
    this.lastVersion = v;
    if (this.detail) this.requestUpdate();
  }

  private clearHighlight(): void {
    this.hlRow = this.hlFrom = this.hlTo = -1;
  }

  private highlight(row: number): void {
    if (row === this.hlRow) return;
    this.hlRow = row;
    const r = this.rows[row];
    this.hlFrom = r ? r.offset : -1;
    this.hlTo = r ? r.offset + r.length : -1;
    this.requestUpdate();
  }

  private onRowOver = (e: PointerEvent): void => {
    const el = (e.target as HTMLElement).closest<HTMLElement>('[data-row]');
    if (el) this.highlight(Number(el.dataset.row));
  };

  private onByteOver = (e: PointerEvent): void => {
    const el = (e.target as HTMLElement).closest<HTMLElement>('[data-i]');
    if (el) this.highlight(rowOfByte(this.rows, Number(el.dataset.i)));
  };

  private onLeave = (): void => {
    this.clearHighlight();
    this.requestUpdate();
  };

  private summary() {
    const c = this.controller!;
    const m = c.model;
    const col = m.cols;
    const i = this.sentEvent;
    const row = m.rowOfEvent(i);
    const from = m.hostNames[col.host[i]] ?? '';
    const to = row >= 0 && m.pTo.a[row] >= 0 ? m.hostNames[m.pTo.a[row]] : '';
    const line = col.hasText[i] ? c.feed.eventText(m.base + i) : '';
    const drop = row >= 0 ? m.pDropEv.a[row] : -1;
    const recv = row >= 0 ? m.pRecvEv.a[row] : -1;
    let fate: string;
    if (drop >= 0) {
      const where = col.host[drop] >= 0 ? m.hostNames[col.host[drop]] : col.link[drop] >= 0 ? m.linkNames[col.link[drop]] : '?';
      fate = msg('inspector.dropped', { where: `${where} (${formatTime(col.time[drop])})`, reason: m.label(col.name[drop]) });
    } else if (recv >= 0) fate = msg('inspector.delivered', { host: `${m.hostNames[col.host[recv]]} (${formatTime(col.time[recv])})` });
    else fate = msg('inspector.inFlight');
    const checks = this.rows.filter((r) => r.valid !== undefined);
    return html`<div class="summary">
      <h3>${msg('inspector.title', { id: this.packetId, from, to, time: formatTime(col.time[i]) })}</h3>
      ${line ? html`<p class="line mono">${line}</p>` : nothing}
      ${col.proto[i] === 6
        ? html`<p class="seqack mono">${msg('inspector.seqAck', { relSeq: col.relSeq[i], seq: col.seq[i], relAck: col.relAck[i], ack: col.ack[i] })}</p>`
        : nothing}
      <p class=${drop >= 0 ? 'fate dropped' : 'fate'}>${fate}</p>
      <p class="checksums">${checks.map(
        (r) => html`<span class=${r.valid ? 'ok' : 'bad'} data-checksum=${r.name}>${msg('inspector.checksum', {
          name: r.name,
          state: r.valid ? msg('inspector.valid') : msg('inspector.invalid', { computed: `0x${(r.computed ?? 0).toString(16).padStart(4, '0')}` }),
        })}</span> `,
      )}</p>
      ${this.detail?.error ? html`<p class="bad">${msg('inspector.error', { message: this.detail.error.message })}</p>` : nothing}
    </div>`;
  }

  private fields() {
    return html`<table class="fields" aria-label=${msg('inspector.fields')} @pointerover=${this.onRowOver} @pointerleave=${this.onLeave}>
      <thead><tr><th>${msg('inspector.field')}</th><th>${msg('inspector.value')}</th></tr></thead>
      <tbody>
        ${this.rows.map(
          (r, k) => html`<tr data-row=${k} data-name=${r.name} class=${`${r.layer ? 'layer' : ''} ${k === this.hlRow ? 'hl' : ''}`}>
            <td class=${`depth-${Math.min(r.depth, 5)}`} title=${r.name}>${r.label} <span class="fname">${r.layer ? '' : r.name}</span></td>
            <td class="mono">${r.value}${r.valid === false ? html` <span class="bad">✗</span>` : r.valid ? html` <span class="ok">✓</span>` : nothing}</td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  private hexdump() {
    const bytes = this.detail!.bytes;
    const n = Math.min(bytes.length, MAX_BYTES);
    const lines = [];
    const hl = (i: number) => (i >= this.hlFrom && i < this.hlTo ? 'hl' : '');
    for (let o = 0; o < n; o += PER_ROW) {
      const idx = [];
      for (let i = o; i < Math.min(o + PER_ROW, n); ++i) idx.push(i);
      lines.push(html`<div class="hexrow"><span class="off">${o.toString(16).padStart(4, '0')}</span><span class="hx">${idx.map(
        (i) => html`<span class=${`b ${hl(i)}`} data-i=${i}>${hex2(bytes[i])}</span>`,
      )}</span><span class="asc">${idx.map((i) => html`<span class=${`a ${hl(i)}`} data-i=${i}>${asciiOf(bytes[i])}</span>`)}</span></div>`);
    }
    return html`<div class="hex mono" aria-label=${msg('inspector.bytes')} @pointerover=${this.onByteOver} @pointerleave=${this.onLeave}>
      ${lines} ${bytes.length > n ? html`<p class="muted">${msg('inspector.cut', { shown: n, total: bytes.length })}</p>` : nothing}
    </div>`;
  }

  private payload() {
    const layer = this.detail!.layers.find((l) => l.name === 'payload');
    if (!layer || !layer.length) return html`<p class="muted">${msg('inspector.noPayload')}</p>`;
    const b = this.detail!.bytes.subarray(layer.offset, layer.offset + Math.min(layer.length, MAX_BYTES));
    return html`<div class="payload">
      <p><span class="label">${msg('inspector.payloadText')}:</span> <span class="mono ptext">${Array.from(b, asciiOf).join('')}</span></p>
      <p><span class="label">${msg('inspector.payloadHex')}:</span> <span class="mono phex">${Array.from(b, hex2).join(' ')}</span></p>
    </div>`;
  }

  override render() {
    if (this.error) return html`<p class="empty">${this.error}</p>`;
    if (!this.controller?.lesson || !this.detail || this.sentEvent < 0) return html`<p class="empty">${msg('inspector.empty')}</p>`;
    return html`<section class="inspector" aria-label=${msg('inspector.label')}>
      ${this.summary()}
      <div class="bytes">${this.hexdump()} ${this.payload()}</div>
      <div class="table">${this.fields()}</div>
    </section>`;
  }
}
