import { LitElement, html, svg } from 'lit';

import { MAX_SPEED, MIN_SPEED } from '../../engine/controller';
import { msg } from '../../i18n';
import type { TraceModel } from '../../model/trace-model';
import { formatClock, formatTime, parseTime } from '../../util/time';
import { emit } from '../events';
import { styles } from './tp-time-controls.styles';

const icon = (path: ReturnType<typeof svg>) => html`<svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" fill="currentColor">${path}</svg>`;
const ICONS = {
  play: icon(svg`<path d="M4 2l10 6-10 6z"/>`),
  pause: icon(svg`<path d="M3 2h4v12H3zM9 2h4v12H9z"/>`),
  back: icon(svg`<path d="M2 2h2v12H2zM14 2v12L5 8z"/>`),
  forward: icon(svg`<path d="M12 2h2v12h-2zM2 2v12l9-6z"/>`),
  packet: icon(svg`<path d="M1 7h9V3l5 5-5 5V9H1z"/>`),
};

/** "0.1×", "2.5×", "1,000×". */
export function formatSpeed(speed: number): string {
  const v = speed < 1 ? speed.toFixed(1) : speed < 10 ? String(Math.round(speed * 10) / 10) : Math.round(speed).toLocaleString('en');
  return msg('controls.speedValue', { speed: v });
}

/**
 * Play, pause and step; speed; jump to a time; the timeline scrubber with markers; the clock.
 *
 * @event tp-control - play, pause, stepBack, stepForward, stepPacket
 * @event tp-seek - to a time (ns)
 * @event tp-speed - a new speed
 */
export class TpTimeControls extends LitElement {
  static override styles = styles;

  now = 0;
  duration = 0;
  playing = false;
  seeking = false;
  speed = 1;
  model: TraceModel | null = null;
  private jumpError = false;
  private markerVersion = -1;
  private markerWidth = 0;
  private markersAt = 0;
  private markersDone = 0;
  private markerDuration = 0;
  private markerEpoch = -1;
  private markerSeen = new Uint8Array(0);
  private markerObserver: ResizeObserver | null = null;
  private markerBox = { width: 0, height: 0 };
  private markerColours: string[] = [];
  private markerTimer = 0;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.markerTimer);
    this.markerTimer = 0;
    this.markerObserver?.disconnect();
    this.markerObserver = null;
  }

  /** Sets the values shown; re-renders only when something visible changed. */
  update2(v: { now: number; duration: number; playing: boolean; seeking: boolean; speed: number }): void {
    if (v.now === this.now && v.duration === this.duration && v.playing === this.playing && v.seeking === this.seeking && v.speed === this.speed && this.markerVersion === this.model?.version) return;
    Object.assign(this, v);
    this.requestUpdate();
  }

  override render() {
    const atEnd = this.now >= this.duration && this.duration > 0;
    const playLabel = this.playing ? msg('controls.pause') : atEnd ? msg('controls.restart') : msg('controls.play');
    const sliderValue = Math.log10(this.speed);
    const scrub = this.duration > 0 ? (this.now / this.duration) * 1000 : 0;
    return html`
      <div class="controls" role="group" aria-label=${msg('controls.label')}>
        <div class="row">
          <button class="step-back" @click=${() => this.control('stepBack')} title=${msg('controls.stepBack')} aria-label=${msg('controls.stepBack')}>${ICONS.back}</button>
          <button class="play" @click=${() => this.control(this.playing ? 'pause' : 'play')} title=${playLabel} aria-label=${playLabel}>
            ${this.playing ? ICONS.pause : ICONS.play}
          </button>
          <button class="step-forward" @click=${() => this.control('stepForward')} title=${msg('controls.stepForward')} aria-label=${msg('controls.stepForward')}>${ICONS.forward}</button>
          <button class="step-packet" @click=${() => this.control('stepPacket')} title=${msg('controls.stepPacket')} aria-label=${msg('controls.stepPacket')}>${ICONS.packet}</button>
          <output class="clock" aria-label=${msg('controls.clock')} title=${msg('controls.clock')}>${formatClock(this.now)}</output>
          <span class="status">${this.seeking ? msg('controls.seeking') : atEnd ? msg('controls.end') : ''}</span>
          <label class="speed">
            <span>${msg('controls.speed')}</span>
            <input
              type="range"
              min=${Math.log10(MIN_SPEED)}
              max=${Math.log10(MAX_SPEED)}
              step="0.01"
              .value=${String(sliderValue)}
              aria-valuetext=${formatSpeed(this.speed)}
              @input=${this.onSpeed}
            />
            <output class="speed-value">${formatSpeed(this.speed)}</output>
          </label>
          <form class="jump" @submit=${this.onJump}>
            <label>
              <span>${msg('controls.jump')}</span>
              <input
                name="t"
                type="text"
                inputmode="decimal"
                size="7"
                placeholder=${msg('controls.jumpPlaceholder')}
                aria-invalid=${this.jumpError ? 'true' : 'false'}
                title=${this.jumpError ? msg('controls.jumpInvalid') : msg('controls.jump')}
              />
            </label>
            <button type="submit">${msg('controls.jumpGo')}</button>
          </form>
        </div>
        <div class="scrubber">
          <canvas class="markers" aria-hidden="true"></canvas>
          <input
            class="timeline"
            type="range"
            min="0"
            max="1000"
            step="any"
            .value=${String(scrub)}
            aria-label=${msg('controls.scrubber')}
            aria-valuetext=${formatTime(this.now)}
            @input=${this.onScrub}
          />
          <span class="ends"><span>0 s</span><span>${formatTime(this.duration)}</span></span>
        </div>
      </div>
    `;
  }

  override updated(): void {
    this.drawMarkers();
  }

  private drawMarkers(): void {
    const canvas = this.renderRoot.querySelector<HTMLCanvasElement>('canvas.markers');
    const m = this.model;
    if (!canvas || !m || !this.duration) return;
    // Sizes come from a ResizeObserver and colours are read once: no layout or style
    // recalculation forced in the middle of a frame.
    if (!this.markerObserver) {
      this.markerObserver = new ResizeObserver((entries) => {
        const box = entries[0].contentRect;
        this.markerBox = { width: box.width, height: box.height };
        this.drawMarkers();
      });
      this.markerObserver.observe(canvas);
      return;
    }
    const r = this.markerBox;
    if (!r.width) return;
    if (m.version === this.markerVersion && r.width === this.markerWidth && this.markersDone === m.markTime.n) return;
    // At most four times a second while a run grows; a last draw catches up.
    const wait = 250 - (performance.now() - this.markersAt);
    if (wait > 0 && r.width === this.markerWidth && (this.playing || this.seeking)) {
      if (!this.markerTimer) this.markerTimer = window.setTimeout(() => {
        this.markerTimer = 0;
        this.drawMarkers();
      }, wait);
      return;
    }
    this.markersAt = performance.now();
    // Incremental: markers come in time order; only new ones are drawn, unless the width
    // changed or the run was cut (a seek back, a new lesson).
    const fresh = r.width !== this.markerWidth || m.markTime.n < this.markersDone || this.markerDuration !== this.duration || this.markerEpoch !== m.epoch;
    this.markerVersion = m.version;
    this.markerWidth = r.width;
    this.markerDuration = this.duration;
    this.markerEpoch = m.epoch;
    const dpr = window.devicePixelRatio || 1;
    const ctx = canvas.getContext('2d')!;
    if (fresh) {
      canvas.width = Math.round(r.width * dpr);
      canvas.height = Math.round(r.height * dpr);
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, r.width, r.height);
      this.markerSeen = new Uint8Array(Math.ceil(r.width) + 1);
      this.markersDone = 0;
    }
    if (!this.markerColours.length) {
      const cs = getComputedStyle(this);
      this.markerColours = [
        cs.getPropertyValue('--tp-marker-state').trim() || '#2b6cb0',
        cs.getPropertyValue('--tp-marker-drop').trim() || '#c00',
        cs.getPropertyValue('--tp-marker-timer').trim() || '#c98a00',
      ];
    }
    const colours = this.markerColours;
    const h = r.height / 3;
    // One mark per pixel and kind.
    const seen = this.markerSeen;
    for (let k = this.markersDone; k < m.markTime.n; ++k) {
      const kind = m.markKind.a[k];
      const x = Math.round((m.markTime.a[k] / this.duration) * (r.width - 1));
      if (x < 0 || x >= seen.length || seen[x] & (1 << kind)) continue;
      seen[x] |= 1 << kind;
      ctx.fillStyle = colours[kind];
      ctx.fillRect(x, kind * h, 2, h);
    }
    this.markersDone = m.markTime.n;
  }

  private control(action: 'play' | 'pause' | 'stepBack' | 'stepForward' | 'stepPacket'): void {
    emit(this, 'tp-control', { action });
  }

  private onSpeed = (e: Event): void => {
    const v = parseFloat((e.target as HTMLInputElement).value);
    const speed = Math.round(Math.pow(10, v) * 10) / 10;
    emit(this, 'tp-speed', { speed: Math.min(MAX_SPEED, Math.max(MIN_SPEED, speed)) });
  };

  private onScrub = (e: Event): void => {
    const v = parseFloat((e.target as HTMLInputElement).value);
    emit(this, 'tp-seek', { t: (v / 1000) * this.duration });
  };

  private onJump = (e: SubmitEvent): void => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const input = form.elements.namedItem('t') as HTMLInputElement;
    const t = parseTime(input.value);
    this.jumpError = Number.isNaN(t);
    this.requestUpdate();
    if (!this.jumpError) emit(this, 'tp-seek', { t });
  };
}
