// RFC 9293 §3.3.2 Figure 5, placed by hand (auto-layout loses the figure: page-design.md §2):
// the eleven states, with a second CLOSED bottom right as in the RFC, and every edge of the
// figure with its event / action label.

export interface Node {
  id: string;
  x: number;
  y: number;
}

// Sized to be drawn at 1:1 (no scaling) in half of the wide side panel at 1280x720, so that its
// 11 px labels stay 11 px (--tp-state-figure-width).
export const W = 360;
export const H = 514;
export const NODE_W = 84;
export const NODE_H = 22;

export const NODES: Node[] = [
  { id: 'CLOSED', x: 180, y: 14 },
  { id: 'LISTEN', x: 180, y: 96 },
  { id: 'SYN_RECEIVED', x: 44, y: 184 },
  { id: 'SYN_SENT', x: 316, y: 184 },
  { id: 'ESTABLISHED', x: 180, y: 262 },
  { id: 'FIN_WAIT_1', x: 44, y: 332 },
  { id: 'CLOSE_WAIT', x: 316, y: 332 },
  { id: 'FIN_WAIT_2', x: 44, y: 404 },
  { id: 'CLOSING', x: 180, y: 404 },
  { id: 'LAST_ACK', x: 316, y: 404 },
  { id: 'TIME_WAIT', x: 180, y: 500 },
  { id: 'CLOSED2', x: 316, y: 500 },
];

export interface Edge {
  from: string;
  to: string;
  /** Event (above the rule) and action (below), as the RFC's figure writes them. */
  event: string;
  action: string;
  /** The route, box border to box border (the arrowhead at the last point). */
  pts: Array<[number, number]>;
  /** Where the label goes: the event's baseline at (lx, ly), the action 15 px below. */
  lx: number;
  ly: number;
  anchor: 'start' | 'middle' | 'end';
  /** No rule of its own: the edge itself runs between event and action (a horizontal edge). */
  noRule?: boolean;
}

// Every label is placed by hand in free space beside its edge, clear of the boxes, of the other
// edges and of the other labels (tests/web/lessons.test.mjs checks that no two overlap).
export const EDGES: Edge[] = [
  { from: 'CLOSED', to: 'LISTEN', event: 'passive OPEN', action: 'create TCB', pts: [[168, 25], [168, 85]], lx: 162, ly: 44, anchor: 'end' },
  { from: 'LISTEN', to: 'CLOSED', event: 'CLOSE', action: 'delete TCB', pts: [[192, 85], [192, 25]], lx: 198, ly: 64, anchor: 'start' },
  { from: 'CLOSED', to: 'SYN_SENT', event: 'active OPEN', action: 'create TCB, snd SYN', pts: [[222, 9], [352, 9], [352, 173]], lx: 272, ly: 34, anchor: 'middle' },
  { from: 'SYN_SENT', to: 'CLOSED', event: 'CLOSE', action: 'delete TCB', pts: [[336, 173], [336, 19], [222, 19]], lx: 330, ly: 110, anchor: 'end' },
  { from: 'LISTEN', to: 'SYN_RECEIVED', event: 'rcv SYN', action: 'snd SYN,ACK', pts: [[150, 107], [70, 173]], lx: 98, ly: 128, anchor: 'end' },
  { from: 'SYN_RECEIVED', to: 'LISTEN', event: 'rcv RST', action: '(note 1)', pts: [[14, 173], [14, 100], [138, 100]], lx: 76, ly: 76, anchor: 'middle' },
  { from: 'LISTEN', to: 'SYN_SENT', event: 'SEND', action: 'snd SYN', pts: [[210, 107], [290, 173]], lx: 240, ly: 148, anchor: 'end' },
  // RFC 9293 Figure 5 (unlike RFC 793's): a SYN in SYN-SENT is answered with SYN,ACK (§3.5 Fig. 7).
  { from: 'SYN_SENT', to: 'SYN_RECEIVED', event: 'rcv SYN', action: 'snd SYN,ACK', pts: [[274, 184], [86, 184]], lx: 170, ly: 180, anchor: 'middle', noRule: true },
  { from: 'SYN_SENT', to: 'ESTABLISHED', event: 'rcv SYN,ACK', action: 'snd ACK', pts: [[290, 195], [210, 251]], lx: 280, ly: 218, anchor: 'start' },
  { from: 'SYN_RECEIVED', to: 'ESTABLISHED', event: 'rcv ACK of SYN', action: 'x', pts: [[70, 195], [150, 251]], lx: 130, ly: 218, anchor: 'start' },
  { from: 'SYN_RECEIVED', to: 'FIN_WAIT_1', event: 'CLOSE', action: 'snd FIN', pts: [[14, 195], [14, 321]], lx: 20, ly: 242, anchor: 'start' },
  { from: 'ESTABLISHED', to: 'FIN_WAIT_1', event: 'CLOSE', action: 'snd FIN', pts: [[150, 273], [70, 321]], lx: 86, ly: 288, anchor: 'end' },
  { from: 'ESTABLISHED', to: 'CLOSE_WAIT', event: 'rcv FIN', action: 'snd ACK', pts: [[210, 273], [290, 321]], lx: 274, ly: 288, anchor: 'start' },
  { from: 'FIN_WAIT_1', to: 'FIN_WAIT_2', event: 'rcv ACK of FIN', action: 'x', pts: [[24, 343], [24, 393]], lx: 30, ly: 362, anchor: 'start' },
  { from: 'FIN_WAIT_1', to: 'CLOSING', event: 'rcv FIN', action: 'snd ACK', pts: [[86, 332], [170, 332], [170, 393]], lx: 176, ly: 362, anchor: 'start' },
  { from: 'CLOSE_WAIT', to: 'LAST_ACK', event: 'CLOSE', action: 'snd FIN', pts: [[316, 343], [316, 393]], lx: 310, ly: 362, anchor: 'end' },
  { from: 'FIN_WAIT_2', to: 'TIME_WAIT', event: 'rcv FIN', action: 'snd ACK', pts: [[24, 415], [24, 500], [138, 500]], lx: 30, ly: 440, anchor: 'start' },
  { from: 'CLOSING', to: 'TIME_WAIT', event: 'rcv ACK of FIN', action: 'x', pts: [[200, 415], [200, 489]], lx: 194, ly: 440, anchor: 'end' },
  { from: 'LAST_ACK', to: 'CLOSED2', event: 'rcv ACK of FIN', action: 'x', pts: [[316, 415], [316, 489]], lx: 310, ly: 434, anchor: 'end' },
  { from: 'TIME_WAIT', to: 'CLOSED2', event: 'Timeout=2MSL', action: 'delete TCB', pts: [[222, 500], [274, 500]], lx: 226, ly: 470, anchor: 'start' },
];

/** The SVG path of an edge's route. */
export function edgePath(e: Edge): string {
  return e.pts.map(([x, y], k) => `${k ? 'L' : 'M'}${x},${y}`).join(' ');
}

export function node(id: string): Node {
  return NODES.find((n) => n.id === id) ?? NODES[0];
}

/** The figure's node for a transition's end: CLOSED after LAST_ACK or TIME_WAIT is the bottom one. */
export function targetNode(from: string, to: string): string {
  return to === 'CLOSED' && (from === 'LAST_ACK' || from === 'TIME_WAIT') ? 'CLOSED2' : to;
}

/** The figure's edge for a transition, or null when the figure does not draw it (RSTs, aborts,
 * timeouts, FIN_WAIT_1 -> TIME_WAIT: RFC 9293 notes 2 and 3). */
export function figureEdge(from: string, to: string, cause: string): Edge | null {
  const t = targetNode(from, to);
  const e = EDGES.find((x) => x.from === from && x.to === t);
  if (!e) return null;
  // The figure's edges into CLOSED are CLOSE; a reset or a timeout taking the same pair is not it.
  if (t === 'CLOSED' && /RST|timeout|abort|refused/i.test(cause)) return null;
  return e;
}

/** A quadratic curve from node a to node b, ending at the boxes' borders. */
export function curve(a: Node, b: Node, bend: number): { d: string; mx: number; my: number } {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy) || 1;
  const nx = -dy / len;
  const ny = dx / len;
  const clip = (p: Node, ux: number, uy: number) => {
    // Where the ray from the box centre along (ux, uy) leaves the box.
    const sx = ux ? NODE_W / 2 / Math.abs(ux) : Infinity;
    const sy = uy ? NODE_H / 2 / Math.abs(uy) : Infinity;
    const s = Math.min(sx, sy) + 2;
    return [p.x + ux * s, p.y + uy * s];
  };
  const cx = (a.x + b.x) / 2 + nx * bend;
  const cy = (a.y + b.y) / 2 + ny * bend;
  const ua = Math.hypot(cx - a.x, cy - a.y) || 1;
  const ub = Math.hypot(cx - b.x, cy - b.y) || 1;
  const [x0, y0] = clip(a, (cx - a.x) / ua, (cy - a.y) / ua);
  const [x1, y1] = clip(b, (cx - b.x) / ub, (cy - b.y) / ub);
  // The curve's midpoint (t = 0.5).
  const mx = 0.25 * x0 + 0.5 * cx + 0.25 * x1;
  const my = 0.25 * y0 + 0.5 * cy + 0.25 * y1;
  return { d: `M${x0.toFixed(1)},${y0.toFixed(1)} Q${cx.toFixed(1)},${cy.toFixed(1)} ${x1.toFixed(1)},${y1.toFixed(1)}`, mx, my };
}
