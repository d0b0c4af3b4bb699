// The custom events the playground's components send up to <tcp-playground>.

/** A trace event was selected (model index), in the ladder or the log. */
export type SelectDetail = { event: number; source: 'ladder' | 'log' };
/** Seek to a virtual time (ns). */
export type SeekDetail = { t: number };
export type ControlDetail = { action: 'play' | 'pause' | 'stepBack' | 'stepForward' | 'stepPacket' };
export type SpeedDetail = { speed: number };
export type LessonDetail = { id: string };
/** A connection was chosen (its id), in the connection table. */
export type ConnDetail = { conn: number };
/**
 * A live action went to the engine from a panel (the composer's inject, a manual-mode switch, a
 * socket or timeout form): the views read what it traced. `action`: what was done.
 */
export type ActedDetail = { action: string };

declare global {
  interface HTMLElementEventMap {
    'tp-select': CustomEvent<SelectDetail>;
    'tp-seek': CustomEvent<SeekDetail>;
    'tp-control': CustomEvent<ControlDetail>;
    'tp-speed': CustomEvent<SpeedDetail>;
    'tp-lesson': CustomEvent<LessonDetail>;
    'tp-conn': CustomEvent<ConnDetail>;
    'tp-tour-done': CustomEvent<void>;
    'tp-acted': CustomEvent<ActedDetail>;
  }
}

export function emit<K extends keyof HTMLElementEventMap>(
  el: HTMLElement,
  name: K,
  detail: HTMLElementEventMap[K] extends CustomEvent<infer D> ? D : never,
): void {
  el.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
}
