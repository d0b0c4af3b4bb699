// Where a loader error points: a JSON pointer (RFC 6901), as the engine reports errors
// ("/links/0/delay"), mapped to an offset in the text as typed; and the line/column an engine
// syntax error names ("invalid JSON at line 4, column 18: ..."). The engine's messages carry the
// position, so no browser's JSON.parse message is read (those differ between browsers).

/** RFC 6901 §4: "~1" is "/", "~0" is "~". */
function segments(pointer: string): string[] {
  if (!pointer) return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

class Walker {
  i = 0;
  constructor(readonly text: string) {}

  space(): void {
    while (this.i < this.text.length && ' \t\r\n'.includes(this.text[this.i])) this.i++;
  }

  /** Reads a string at i (a '"'); its value, or null when there is no string here. */
  string(): string | null {
    if (this.text[this.i] !== '"') return null;
    const start = this.i;
    for (this.i++; this.i < this.text.length; this.i++) {
      const ch = this.text[this.i];
      if (ch === '\\') this.i++;
      else if (ch === '"') {
        this.i++;
        try {
          return JSON.parse(this.text.slice(start, this.i)) as string;
        } catch {
          return this.text.slice(start + 1, this.i - 1);
        }
      } else if (ch === '\n') break;
    }
    return null;
  }

  /** Skips one value (any kind), tolerating broken text: stops at the end. */
  skipValue(): void {
    this.space();
    const ch = this.text[this.i];
    if (ch === '"') {
      if (this.string() === null) this.i++;
      return;
    }
    if (ch === '{' || ch === '[') {
      let depth = 0;
      for (; this.i < this.text.length; this.i++) {
        const c = this.text[this.i];
        if (c === '"') {
          if (this.string() === null) continue;
          this.i--;
        } else if (c === '{' || c === '[') depth++;
        else if (c === '}' || c === ']') {
          if (--depth === 0) {
            this.i++;
            return;
          }
        }
      }
      return;
    }
    while (this.i < this.text.length && !',}]\n'.includes(this.text[this.i])) this.i++;
  }
}

/**
 * The offset of the value at `pointer` in `text`; for a member, of its name (the line a person
 * reads it on). When the path ends early (a member is missing: "required"), the offset of the
 * deepest value found on the way; 0 for the root.
 */
export function pointerOffset(text: string, pointer: string): number {
  const w = new Walker(text);
  let found = 0;
  w.space();
  found = w.i;
  for (const seg of segments(pointer)) {
    w.space();
    const open = text[w.i];
    if (open === '{') {
      w.i++;
      let hit = -1;
      for (;;) {
        w.space();
        const keyAt = w.i;
        const key = w.string();
        if (key === null) break;
        w.space();
        if (text[w.i] !== ':') break;
        w.i++;
        if (key === seg) {
          hit = keyAt;
          break;
        }
        w.skipValue();
        w.space();
        if (text[w.i] !== ',') break;
        w.i++;
      }
      if (hit < 0) return found;
      found = hit;
    } else if (open === '[') {
      const index = /^\d+$/.test(seg) ? Number(seg) : -1;
      if (index < 0) return found;
      w.i++;
      let ok = true;
      for (let k = 0; k < index; k++) {
        w.skipValue();
        w.space();
        if (text[w.i] !== ',') {
          ok = false;
          break;
        }
        w.i++;
      }
      w.space();
      if (!ok || text[w.i] === ']' || w.i >= text.length) return found;
      found = w.i;
    } else {
      return found;
    }
  }
  return found;
}

/** "... at line 4, column 18 ..." -> offset of that place (line and column count from 1). */
export function lineColumnOffset(text: string, message: string): number {
  const m = /line (\d+), column (\d+)/.exec(message);
  if (!m) return -1;
  const line = Number(m[1]);
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) return text.length;
    offset = nl + 1;
  }
  const lineEnd = text.indexOf('\n', offset);
  return Math.min(offset + Number(m[2]) - 1, lineEnd < 0 ? text.length : lineEnd);
}

/** The line (from 0) of `offset`. */
export function lineOf(text: string, offset: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

export interface LocatedError {
  path: string;
  message: string;
  /** Offset in the text, -1 when the error has no place. */
  offset: number;
  /** Line from 0, -1 when none. */
  line: number;
}

/** The engine's errors ({path, message}) placed in the text they were found in. */
export function locateErrors(text: string, errors: Array<{ path: string; message: string }>): LocatedError[] {
  return errors.map((e) => {
    const offset = e.path ? pointerOffset(text, e.path) : lineColumnOffset(text, e.message);
    return { path: e.path, message: e.message, offset, line: offset >= 0 ? lineOf(text, offset) : -1 };
  });
}
