// The scenario editor's syntax colouring: one line of JSON into tokens. JSON strings cannot hold
// a raw line break (RFC 8259 §7: control characters must be escaped), so every line is tokenized
// on its own, with no state carried over: the editor colours only the lines in view.

export type TokenKind = 'key' | 'string' | 'number' | 'literal' | 'punct' | 'space' | 'bad';

export interface Token {
  kind: TokenKind;
  /** Column of the first character (UTF-16 units). */
  from: number;
  to: number;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;
const SPACE = /[ \t\r]+/y;

/** The end of the string starting at `from` (a '"'): after its closing quote, or the line's end. */
function stringEnd(line: string, from: number): number {
  for (let i = from + 1; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x5c) i++; // backslash: skip the escaped character
    else if (c === 0x22) return i + 1;
  }
  return line.length;
}

/** The next non-space character's code at or after `i`, -1 at the end. */
function nextCode(line: string, i: number): number {
  while (i < line.length && (line[i] === ' ' || line[i] === '\t' || line[i] === '\r')) i++;
  return i < line.length ? line.charCodeAt(i) : -1;
}

function sticky(re: RegExp, line: string, at: number): number {
  re.lastIndex = at;
  return re.test(line) ? re.lastIndex : -1;
}

/**
 * Tokens of one line. A string followed by ':' is a key (an object member's name); a string
 * that a key's ':' ends on the next line is still coloured as a string, which is rare in practice.
 */
export function tokenizeLine(line: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line.charCodeAt(i);
    let end: number;
    let kind: TokenKind;
    if (c === 0x22) {
      end = stringEnd(line, i);
      kind = nextCode(line, end) === 0x3a ? 'key' : 'string';
    } else if ('{}[],:'.includes(line[i])) {
      end = i + 1;
      kind = 'punct';
    } else if ((end = sticky(SPACE, line, i)) > 0) {
      kind = 'space';
    } else if ((end = sticky(NUMBER, line, i)) > 0) {
      kind = 'number';
    } else if ((end = sticky(LITERAL, line, i)) > 0) {
      kind = 'literal';
    } else {
      // Anything else up to the next space or punctuation: not JSON.
      end = i + 1;
      while (end < line.length && !' \t\r{}[],:"'.includes(line[end])) end++;
      kind = 'bad';
    }
    out.push({ kind, from: i, to: end });
    i = end;
  }
  return out;
}
