// The packet inspector's rows: a packet's layers and fields (pg.packet(id).layers) flattened in
// wire order with their depth and byte range, and the way back from a byte to the innermost
// field that holds it. No DOM.
import type { PacketField, PacketLayer } from '../../api/playground';

export interface FieldRow {
  depth: number;
  /** Wireshark's display-filter name ("tcp.options.mss_val"), or the layer's name for a layer row. */
  name: string;
  label: string;
  value: string;
  offset: number;
  length: number;
  layer: boolean;
  masked: boolean;
  /** Index of the row this one is a part of (-1 for a layer). */
  parent: number;
  valid?: boolean;
  computed?: number;
}

export function flattenLayers(layers: PacketLayer[]): FieldRow[] {
  const rows: FieldRow[] = [];
  const field = (f: PacketField, depth: number, parent: number) => {
    const i = rows.length;
    rows.push({ depth, name: f.name, label: f.label, value: f.value, offset: f.offset, length: f.length, layer: false, masked: f.mask !== undefined, parent, valid: f.valid, computed: f.computed });
    for (const sub of f.fields ?? []) field(sub, depth + 1, i);
  };
  const layer = (l: PacketLayer, depth: number) => {
    const i = rows.length;
    rows.push({ depth, name: l.name, label: l.label, value: l.error ? l.error.message : '', offset: l.offset, length: l.length, layer: true, masked: false, parent: -1 });
    for (const f of l.fields) field(f, depth + 1, i);
    for (const q of l.quoted ?? []) layer(q, depth + 1);
  };
  for (const l of layers) layer(l, 0);
  return rows;
}

/**
 * The innermost field holding byte `b`: the deepest row whose range holds it. A bit field
 * (ip.flags.df, tcp.flags.syn) is not chosen by its byte when the group it belongs to holds the
 * same byte: pointing at the flags byte means the flags. A byte no field holds gives its
 * innermost layer (the payload); -1 when nothing holds it.
 */
export function rowOfByte(rows: FieldRow[], b: number): number {
  let best = -1;
  let layer = -1;
  for (let i = 0; i < rows.length; ++i) {
    const r = rows[i];
    if (b < r.offset || b >= r.offset + r.length) continue;
    if (r.layer) {
      if (layer < 0 || r.depth > rows[layer].depth) layer = i;
      continue;
    }
    if (r.masked && r.parent >= 0 && !rows[r.parent].layer) continue;
    if (best < 0 || r.depth > rows[best].depth) best = i;
  }
  // A byte no field describes (the payload): its layer.
  return best >= 0 ? best : layer;
}

/** Printable ASCII as itself, anything else as '.'. */
export function asciiOf(byte: number): string {
  return byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.';
}

export function hex2(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
