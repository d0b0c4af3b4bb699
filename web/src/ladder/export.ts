// The ladder as a file: SVG (the painter drawing into an SvgRecorder) and PNG (the painter
// drawing onto an offscreen canvas at the export size), for the visible time range or for the
// whole run so far (0 s to the playhead). Both are the screen's drawing: the same painter, theme
// and layout, with the callouts' margin left out.
//
// "Whole run" of a long lesson stays bounded: the time axis is squeezed until the drawing fits in
// MAX_HEIGHT px (quiet stretches still fold into fixed bands), and the painter then keeps at most
// one arrow per pixel row and direction where packets are denser than that, as on screen. So an
// export holds at most a few thousand arrows, whatever the run's length.
import type { TraceModel } from '../model/trace-model';
import { LadderPainter, LadderTheme, TOP_PAD } from './painter';
import { SvgRecorder } from './svg-recorder';

/** The tallest exported drawing (px); a taller run is squeezed in time, then cut. */
export const MAX_HEIGHT = 12000;
/** The narrowest (a tiny ladder still exports readably). */
const MIN_WIDTH = 640;

export type LadderRange = 'visible' | 'whole';

/** What an export needs from the ladder on screen. */
export interface LadderView {
  model: TraceModel;
  text: (event: number) => string;
  addresses: string[];
  theme: LadderTheme;
  width: number;
  height: number;
  scrollY: number;
  scale: number;
  now: number;
  absolute: boolean;
}

/** The frame to export: size, scroll and the painter set up for it. */
export interface ExportFrame {
  width: number;
  height: number;
  scrollY: number;
  painter: LadderPainter;
  /** The whole run did not fit even squeezed: it ends at the bottom edge. */
  cut: boolean;
}

export function exportFrame(v: LadderView, range: LadderRange): ExportFrame {
  const painter = new LadderPainter(v.model, v.text);
  painter.addresses = v.addresses;
  painter.axis.scale = v.scale;
  const width = Math.max(MIN_WIDTH, Math.round(v.width));
  const build = () => painter.axis.build(v.model.cols.time, v.model.n, Math.max(v.now, 0), v.model.version);
  build();
  if (range === 'visible') return { width, height: Math.round(v.height), scrollY: v.scrollY, painter, cut: false };
  const tall = () => v.theme.headerHeight + TOP_PAD + painter.axis.y(v.now) + 40;
  // Squeeze: folds take fixed room, so a few rounds converge (or show that they cannot).
  for (let i = 0; i < 6 && tall() > MAX_HEIGHT; ++i) {
    painter.axis.scale *= (MAX_HEIGHT - v.theme.headerHeight - 80) / tall();
    build();
  }
  const height = Math.min(MAX_HEIGHT, Math.ceil(tall()));
  return { width, height, scrollY: 0, painter, cut: tall() > MAX_HEIGHT };
}

function draw(f: ExportFrame, v: LadderView, ctx: Parameters<LadderPainter['draw']>[0]): void {
  f.painter.draw(ctx, {
    width: f.width,
    height: f.height,
    scrollY: f.scrollY,
    now: v.now,
    absolute: v.absolute,
    hoverRow: -1,
    ackRow: -1,
    selectedRow: -1,
    twin: false,
  }, v.theme);
}

/** The ladder as an SVG document (text). */
export function ladderSvg(v: LadderView, range: LadderRange): string {
  const f = exportFrame(v, range);
  const probe = document.createElement('canvas').getContext('2d');
  const measure = probe
    ? (font: string, s: string) => {
        probe.font = font;
        return probe.measureText(s).width;
      }
    : undefined;
  const svg = new SvgRecorder(f.width, f.height, measure);
  draw(f, v, svg);
  return svg.toString();
}

/** The ladder as a PNG (twice the pixels of the drawing when that stays under 16,000 px high). */
export function ladderPng(v: LadderView, range: LadderRange): Promise<Blob> {
  const f = exportFrame(v, range);
  const ratio = f.height * 2 <= 16000 ? 2 : 1;
  const canvas = document.createElement('canvas');
  canvas.width = f.width * ratio;
  canvas.height = f.height * ratio;
  const ctx = canvas.getContext('2d');
  if (!ctx) return Promise.reject(new Error('no 2D canvas'));
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  draw(f, v, ctx);
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the PNG could not be made'))), 'image/png'));
}
