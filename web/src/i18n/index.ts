// The one message catalogue: every visible string of the page goes through msg().
import { en, type MessageKey, type Messages } from './en';

export type { MessageKey, Messages };

const catalogues: Record<string, Messages> = { en };
let current: Messages = en;
let currentLocale = 'en';

/** Switches the locale (only English ships today; Korean comes later). */
export function setLocale(locale: string): void {
  current = catalogues[locale] ?? en;
  currentLocale = catalogues[locale] ? locale : 'en';
}

export function locale(): string {
  return currentLocale;
}

/** The message for `key`, with {placeholders} filled from `params`. */
export function msg(key: MessageKey, params?: Record<string, string | number>): string {
  const text = current[key] ?? en[key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}
