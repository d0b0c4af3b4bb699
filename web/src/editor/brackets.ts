// Bracket matching for the scenario editor: the bracket at the caret and its partner.

const OPEN = '{[';
const CLOSE = '}]';

/**
 * Offsets of every bracket outside strings, in order, with their partners: partner[k] is the
 * index (into `at`) of the bracket that matches bracket k, or -1. One pass over the text.
 */
export function bracketPairs(text: string): { at: number[]; partner: number[] } {
  const at: number[] = [];
  const partner: number[] = [];
  const stack: number[] = [];
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"' || ch === '\n') inString = false; // a string never spans lines
      continue;
    }
    if (ch === '"') {
      inString = true;
    } else if (OPEN.includes(ch)) {
      stack.push(at.length);
      at.push(i);
      partner.push(-1);
    } else if (CLOSE.includes(ch)) {
      const k = at.length;
      at.push(i);
      partner.push(-1);
      const open = stack.length ? stack[stack.length - 1] : -1;
      if (open >= 0 && OPEN.indexOf(text[at[open]]) === CLOSE.indexOf(ch)) {
        stack.pop();
        partner[k] = open;
        partner[open] = k;
      }
    }
  }
  return { at, partner };
}

/**
 * The bracket at the caret (the character after it, else the one before) and its partner:
 * [offset, partnerOffset], partnerOffset -1 when unmatched; null when no bracket is there.
 */
export function matchAt(text: string, caret: number): [number, number] | null {
  const { at, partner } = bracketPairs(text);
  for (const pos of [caret, caret - 1]) {
    if (pos < 0 || pos >= text.length || !'{}[]'.includes(text[pos])) continue;
    // Binary search: `at` is sorted.
    let lo = 0;
    let hi = at.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (at[mid] === pos) return [pos, partner[mid] >= 0 ? at[partner[mid]] : -1];
      if (at[mid] < pos) lo = mid + 1;
      else hi = mid - 1;
    }
  }
  return null;
}
