// socket_error events (what a socket call returned): the errno's meaning in words, read from the
// event's data (the errno label), never from narration text.
import { msg, type MessageKey } from '../i18n';

const KNOWN = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EADDRINUSE', 'EHOSTUNREACH', 'ENETUNREACH',
  'ENOPROTOOPT', 'EMSGSIZE', 'EAGAIN',
]);

/** "connection refused" for "ECONNREFUSED". */
export function errnoMeaning(errno: string): string {
  return KNOWN.has(errno) ? msg(`errno.${errno}` as MessageKey) : msg('errno.unknown');
}
