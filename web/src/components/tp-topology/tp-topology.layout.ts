// The topology's layout: where each host of a snapshot goes, with no layout library and no
// randomness (the same scenario is always drawn the same way). Columns: hosts that start
// connections (leaves without servers) on the left, routers and balancers in the middle by
// their hop distance from the left, hosts that serve (leaves with a server app or a listener)
// on the right. Rows: in host order within a column. Sizes are in SVG user units (px): three
// columns fit the wide side panel (760 px) without scrolling.
import type { ComponentInfo, HostInfo, LinkInfo } from '../../../api/playground';

/** Apps that wait for connections or datagrams: their host is drawn on the right. */
const SERVER_KINDS = new Set(['http_server', 'tcp_echo', 'udp_echo', 'bulk_sink', 'udp_stream_receiver']);
/** Components drawn as balancers (and their hosts in the middle). */
export const MIDDLEBOX_KINDS = new Set(['alb', 'nlb', 'filter']);

export const NODE_WIDTH = 144;
/** A node's height without components; each component adds COMPONENT_ROW. */
export const NODE_BASE = 52;
export const COMPONENT_ROW = 18;
/** Horizontal room between two columns: a link's label (LABEL_WIDTH) fits in it. */
export const COLUMN_GAP = 140;
export const LABEL_WIDTH = 124;
export const LABEL_HEIGHT = 62;
export const ROW_GAP = 64;
export const MARGIN = 12;

export interface PlacedHost {
  host: HostInfo;
  components: ComponentInfo[];
  col: number;
  x: number;
  y: number;
  height: number;
  role: 'client' | 'middle' | 'server';
}

export interface PlacedLink {
  link: LinkInfo;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** Centre of its label. */
  lx: number;
  ly: number;
}

export interface Layout {
  hosts: PlacedHost[];
  links: PlacedLink[];
  width: number;
  height: number;
}

/** The host a component runs on (its snapshot says it). */
export function componentHost(c: ComponentInfo): string {
  const s = c.state as { host?: unknown } | undefined;
  return typeof s?.host === 'string' ? s.host : '';
}

/**
 * `serving`: hosts the scenario's timeline makes listen or bind (known before those actions run,
 * so the drawing does not move when they do).
 */
export function layout(hosts: HostInfo[], links: LinkInfo[], components: ComponentInfo[], serving: Set<string> = new Set()): Layout {
  const byName = new Map(hosts.map((h, i) => [h.name, i]));
  const adj: number[][] = hosts.map(() => []);
  for (const l of links) {
    const a = byName.get(l.a);
    const b = byName.get(l.b);
    if (a === undefined || b === undefined) continue;
    adj[a].push(b);
    adj[b].push(a);
  }
  const comps: ComponentInfo[][] = hosts.map(() => []);
  for (const c of components) {
    const i = byName.get(componentHost(c));
    if (i !== undefined) comps[i].push(c);
  }
  const role = hosts.map((h, i): PlacedHost['role'] => {
    const kinds = comps[i].map((c) => c.kind);
    if (h.forwarding || adj[i].length > 1 || kinds.some((k) => MIDDLEBOX_KINDS.has(k))) return 'middle';
    if (kinds.some((k) => SERVER_KINDS.has(k)) || serving.has(h.name) || h.listeners.length > 0 || h.udp.length > 0) return 'server';
    return 'client';
  });
  // No host starts connections (two servers, say): the first host is the left one.
  if (!role.includes('client') && hosts.length) role[role.indexOf('server') >= 0 ? role.indexOf('server') : 0] = 'client';
  // Middle columns: hops from the left hosts (breadth first, in host order).
  const dist = hosts.map(() => -1);
  const queue: number[] = [];
  role.forEach((r, i) => {
    if (r === 'client') {
      dist[i] = 0;
      queue.push(i);
    }
  });
  for (let q = 0; q < queue.length; ++q)
    for (const n of adj[queue[q]])
      if (dist[n] < 0) {
        dist[n] = dist[queue[q]] + 1;
        queue.push(n);
      }
  let maxMid = 0;
  const col = hosts.map((_, i) => {
    if (role[i] === 'client') return 0;
    if (role[i] === 'middle') {
      const c = Math.max(1, dist[i]);
      maxMid = Math.max(maxMid, c);
      return c;
    }
    return -1; // servers: placed after the middle
  });
  for (let i = 0; i < col.length; ++i) if (col[i] < 0) col[i] = maxMid + 1;
  const cols = Math.max(...col, 0) + 1;
  const heights = hosts.map((_, i) => NODE_BASE + COMPONENT_ROW * comps[i].length);
  const rowPitch = Math.max(LABEL_HEIGHT * 2 + 16, Math.max(...heights, NODE_BASE) + ROW_GAP);
  const perCol: number[][] = Array.from({ length: cols }, () => []);
  hosts.forEach((_, i) => perCol[col[i]].push(i));
  const rows = Math.max(...perCol.map((c) => c.length), 1);
  const height = rows * rowPitch + 2 * MARGIN;
  const placed: PlacedHost[] = hosts.map((h, i) => {
    const column = perCol[col[i]];
    const k = column.indexOf(i);
    // Centred vertically: a column with fewer hosts sits in the middle of the tallest one.
    const top = MARGIN + ((rows - column.length) * rowPitch) / 2 + k * rowPitch + (rowPitch - heights[i]) / 2;
    return { host: h, components: comps[i], col: col[i], x: MARGIN + col[i] * (NODE_WIDTH + COLUMN_GAP), y: Math.round(top), height: heights[i], role: role[i] };
  });
  const placedLinks: PlacedLink[] = [];
  for (const l of links) {
    const a = placed[byName.get(l.a) ?? -1];
    const b = placed[byName.get(l.b) ?? -1];
    if (!a || !b) continue;
    // From the side of each box that faces the other.
    const [left, right] = a.x <= b.x ? [a, b] : [b, a];
    const same = left.x === right.x;
    const x1 = same ? left.x + NODE_WIDTH / 2 : left.x + NODE_WIDTH;
    const x2 = same ? right.x + NODE_WIDTH / 2 : right.x;
    const y1 = left.y + left.height / 2;
    const y2 = right.y + right.height / 2;
    const flip = left !== a;
    placedLinks.push({ link: l, x1: flip ? x2 : x1, y1: flip ? y2 : y1, x2: flip ? x1 : x2, y2: flip ? y1 : y2, lx: same ? x1 + NODE_WIDTH / 2 + LABEL_WIDTH / 2 : (x1 + x2) / 2, ly: (y1 + y2) / 2 });
  }
  const width = cols * NODE_WIDTH + (cols - 1) * COLUMN_GAP + 2 * MARGIN;
  return { hosts: placed, links: placedLinks, width, height };
}
