// RFC 9293 §3.3.2 Figure 5, placed by hand (auto-layout loses the figure: page-design.md §2):
// the eleven states, with a second CLOSED bottom right as in the RFC, and every edge of the
// figure with its event / action label.

export interface Node {
  id: string;
  x: number;
  y: number;
}

export const W = 460;
export const H = 560;
export const NODE_W = 104;
export const NODE_H = 26;

export const NODES: Node[] = [
  { id: 'CLOSED', x: 230, y: 22 },
  { id: 'LISTEN', x: 230, y: 100 },
  { id: 'SYN_RECEIVED', x: 70, y: 180 },
  { id: 'SYN_SENT', x: 390, y: 180 },
  { id: 'ESTABLISHED', x: 230, y: 262 },
  { id: 'FIN_WAIT_1', x: 70, y: 344 },
  { id: 'CLOSE_WAIT', x: 390, y: 344 },
  { id: 'FIN_WAIT_2', x: 70, y: 436 },
  { id: 'CLOSING', x: 230, y: 436 },
  { id: 'LAST_ACK', x: 390, y: 436 },
  { id: 'TIME_WAIT', x: 230, y: 528 },
  { id: 'CLOSED2', x: 390, y: 528 },
];

export interface Edge {
  from: string;
  to: string;
  /** Event (above the rule) and action (below), as the RFC's figure writes them. */
  event: string;
  action: string;
  /** Sideways bend of the curve (px); edges both ways between two states bend apart. */
  bend: number;
}

export const EDGES: Edge[] = [
  { from: 'CLOSED', to: 'LISTEN', event: 'passive OPEN', action: 'create TCB', bend: 22 },
  { from: 'LISTEN', to: 'CLOSED', event: 'CLOSE', action: 'delete TCB', bend: 22 },
  { from: 'CLOSED', to: 'SYN_SENT', event: 'active OPEN', action: 'create TCB, snd SYN', bend: -24 },
  { from: 'SYN_SENT', to: 'CLOSED', event: 'CLOSE', action: 'delete TCB', bend: -24 },
  { from: 'LISTEN', to: 'SYN_RECEIVED', event: 'rcv SYN', action: 'snd SYN,ACK', bend: 14 },
  { from: 'SYN_RECEIVED', to: 'LISTEN', event: 'rcv RST', action: '(note 1)', bend: 14 },
  { from: 'LISTEN', to: 'SYN_SENT', event: 'SEND', action: 'snd SYN', bend: 10 },
  { from: 'SYN_SENT', to: 'SYN_RECEIVED', event: 'rcv SYN', action: 'snd ACK', bend: 0 },
  { from: 'SYN_SENT', to: 'ESTABLISHED', event: 'rcv SYN,ACK', action: 'snd ACK', bend: 0 },
  { from: 'SYN_RECEIVED', to: 'ESTABLISHED', event: 'rcv ACK of SYN', action: 'x', bend: 0 },
  { from: 'SYN_RECEIVED', to: 'FIN_WAIT_1', event: 'CLOSE', action: 'snd FIN', bend: 0 },
  { from: 'ESTABLISHED', to: 'FIN_WAIT_1', event: 'CLOSE', action: 'snd FIN', bend: 0 },
  { from: 'ESTABLISHED', to: 'CLOSE_WAIT', event: 'rcv FIN', action: 'snd ACK', bend: 0 },
  { from: 'FIN_WAIT_1', to: 'FIN_WAIT_2', event: 'rcv ACK of FIN', action: 'x', bend: 0 },
  { from: 'FIN_WAIT_1', to: 'CLOSING', event: 'rcv FIN', action: 'snd ACK', bend: 0 },
  { from: 'CLOSE_WAIT', to: 'LAST_ACK', event: 'CLOSE', action: 'snd FIN', bend: 0 },
  { from: 'FIN_WAIT_2', to: 'TIME_WAIT', event: 'rcv FIN', action: 'snd ACK', bend: 0 },
  { from: 'CLOSING', to: 'TIME_WAIT', event: 'rcv ACK of FIN', action: 'x', bend: 0 },
  { from: 'LAST_ACK', to: 'CLOSED2', event: 'rcv ACK of FIN', action: 'x', bend: 0 },
  { from: 'TIME_WAIT', to: 'CLOSED2', event: 'Timeout=2MSL', action: 'delete TCB', bend: 0 },
];

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
