/** A zero-based position as in LSP: line, and character in UTF-16 code units. */
export interface Position {
  line: number;
  character: number;
}

/** A zero-based, end-exclusive range as in LSP. */
export interface Range {
  start: Position;
  end: Position;
}

/** Converts offsets of one text to line/character positions; built once per file that needs it. */
export class LineIndex {
  private readonly starts: number[];

  /** Built from `text`; or, with `starts`, from line starts already known (see `shifted`). */
  constructor(text: string, known?: number[]) {
    if (known) {
      this.starts = known;
      return;
    }
    const starts = [0];
    // indexOf runs natively; a lone CR (old Mac line ends) is rare enough for a second pass.
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    if (text.includes('\r')) {
      starts.length = 1;
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 10) starts.push(i + 1);
        else if (c === 13) {
          if (text.charCodeAt(i + 1) === 10) i++;
          starts.push(i + 1);
        }
      }
    }
    this.starts = starts;
  }

  /**
   * The index of the text after an edit that replaced `[at, at + removed)` with `added` characters,
   * none of them a line break (typing inside a string or a comment): lines after the edit move by
   * the difference, no line appears or goes. Costs a copy of the line starts, not a scan of the text.
   */
  shifted(at: number, delta: number): LineIndex {
    const starts = this.starts.slice();
    // Binary search for the first line starting after the edit point.
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid] <= at) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < starts.length; i++) starts[i] += delta;
    return new LineIndex('', starts);
  }

  positionAt(offset: number): Position {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - starts[lo] };
  }

  offsetAt(pos: Position): number {
    const start = this.starts[Math.min(pos.line, this.starts.length - 1)] ?? 0;
    return start + pos.character;
  }

  rangeOf(offset: number, length: number): Range {
    return { start: this.positionAt(offset), end: this.positionAt(offset + length) };
  }
}
