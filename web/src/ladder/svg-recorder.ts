// A DrawContext that records the painter's calls as SVG elements: <rect> for fillRect, <path> for
// stroked or filled paths (lines, arcs), <text> for fillText. Text is escaped (scenario strings
// such as host names and application notes reach it), colours and fonts are written as attribute
// values, escaped too. No DOM: the result is a string.
import type { DrawContext } from './draw-context';

/** Text and attribute values for XML: the five characters that mean something there. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** Drops characters XML 1.0 forbids (control characters other than tab, LF, CR). */
function xmlChars(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
}

const num = (n: number) => (Number.isFinite(n) ? String(Math.round(n * 100) / 100) : '0');

/** `bold 12px ui-monospace, monospace` -> weight, size (px), family. */
export function parseFont(font: string): { weight: string; size: number; family: string } {
  const m = /^(?:(bold|normal|[1-9]00)\s+)?([0-9.]+)px\s+(.+)$/.exec(font.trim());
  if (!m) return { weight: 'normal', size: 11, family: 'monospace' };
  return { weight: m[1] ?? 'normal', size: parseFloat(m[2]), family: m[3] };
}

export class SvgRecorder implements DrawContext {
  fillStyle: string | CanvasGradient | CanvasPattern = '#000';
  strokeStyle: string | CanvasGradient | CanvasPattern = '#000';
  lineWidth = 1;
  font = '10px monospace';
  textBaseline: CanvasTextBaseline = 'alphabetic';
  private dash: number[] = [];
  private path: string[] = [];
  private readonly out: string[] = [];

  /**
   * @param width, height - the drawing's size in px
   * @param measure - a text's width in a font (a canvas's measureText, so that the layout is
   *   the screen's); without it, 0.6 em per character (monospaced)
   */
  constructor(readonly width: number, readonly height: number, private readonly measure?: (font: string, text: string) => number) {}

  fillRect(x: number, y: number, w: number, h: number): void {
    if (!(w > 0 && h > 0)) return;
    this.out.push(`<rect x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" fill="${this.colour(this.fillStyle)}"/>`);
  }

  beginPath(): void {
    this.path = [];
  }

  moveTo(x: number, y: number): void {
    this.path.push(`M${num(x)} ${num(y)}`);
  }

  lineTo(x: number, y: number): void {
    this.path.push(`L${num(x)} ${num(y)}`);
  }

  /** A whole circle (the painter draws no other arcs): two half arcs. */
  arc(x: number, y: number, r: number, start: number, end: number): void {
    if (Math.abs(end - start) >= Math.PI * 2 - 1e-9) {
      this.path.push(`M${num(x - r)} ${num(y)}A${num(r)} ${num(r)} 0 1 0 ${num(x + r)} ${num(y)}A${num(r)} ${num(r)} 0 1 0 ${num(x - r)} ${num(y)}Z`);
      return;
    }
    const sx = x + r * Math.cos(start), sy = y + r * Math.sin(start);
    const ex = x + r * Math.cos(end), ey = y + r * Math.sin(end);
    const large = ((end - start) % (Math.PI * 2)) > Math.PI ? 1 : 0;
    this.path.push(`${this.path.length ? 'L' : 'M'}${num(sx)} ${num(sy)}A${num(r)} ${num(r)} 0 ${large} 1 ${num(ex)} ${num(ey)}`);
  }

  stroke(): void {
    if (!this.path.length) return;
    const dash = this.dash.length ? ` stroke-dasharray="${this.dash.map(num).join(' ')}"` : '';
    this.out.push(`<path d="${this.path.join('')}" fill="none" stroke="${this.colour(this.strokeStyle)}" stroke-width="${num(this.lineWidth)}"${dash}/>`);
  }

  fill(): void {
    if (!this.path.length) return;
    this.out.push(`<path d="${this.path.join('')}" fill="${this.colour(this.fillStyle)}"/>`);
  }

  setLineDash(segments: number[]): void {
    this.dash = [...segments];
  }

  fillText(text: string, x: number, y: number): void {
    const f = parseFont(this.font);
    const weight = f.weight === 'normal' ? '' : ` font-weight="${escapeXml(f.weight)}"`;
    const base = this.textBaseline === 'alphabetic' ? '' : ` dominant-baseline="${this.textBaseline === 'middle' ? 'middle' : 'hanging'}"`;
    this.out.push(
      `<text x="${num(x)}" y="${num(y)}" font-family="${escapeXml(f.family)}" font-size="${num(f.size)}"${weight}${base} fill="${this.colour(this.fillStyle)}" xml:space="preserve">${escapeXml(xmlChars(text))}</text>`,
    );
  }

  measureText(text: string): { width: number } {
    if (this.measure) return { width: this.measure(this.font, text) };
    return { width: text.length * parseFont(this.font).size * 0.6 };
  }

  /** Elements recorded so far. */
  get size(): number {
    return this.out.length;
  }

  /** The SVG document. */
  toString(): string {
    return [
      `<?xml version="1.0" encoding="UTF-8"?>`,
      `<svg xmlns="http://www.w3.org/2000/svg" width="${num(this.width)}" height="${num(this.height)}" viewBox="0 0 ${num(this.width)} ${num(this.height)}">`,
      ...this.out,
      '</svg>',
      '',
    ].join('\n');
  }

  private colour(c: string | CanvasGradient | CanvasPattern): string {
    return escapeXml(typeof c === 'string' ? c : '#000');
  }
}
