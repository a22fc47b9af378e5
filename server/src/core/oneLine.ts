/**
 * Text from untrusted input made fit for one line of a message, a log or a database row: line
 * breaks and other control characters become `\n`-style escapes, unpaired surrogates become
 * U+FFFD, and overly long text is cut. PostgreSQL cannot store NUL in text or JSON, and a
 * message quoting a package's bytes (Node's JSON errors quote the source) must not turn into
 * several lines, or into a job whose final state cannot be saved.
 */
export function oneLine(text: string, max = 2000): string {
  let out = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? ' ' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  out = out.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
  return out.length > max ? `${out.slice(0, max)}…` : out;
}

/**
 * Whether a parsed JSON value holds a string (or key) that no environment can store: NUL
 * (PostgreSQL's text and jsonb refuse it) or an unpaired surrogate (not Unicode). Iterative, so
 * depth costs nothing here; callers bound depth first.
 */
export function unstorableText(value: unknown): string | undefined {
  const bad = (s: string) => {
    const why = unstorableString(s);
    return why && UNSTORABLE_WORDS[why];
  };
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') {
      const why = bad(v);
      if (why) return why;
    } else if (Array.isArray(v)) {
      for (const x of v) stack.push(x);
    }
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        const why = bad(k);
        if (why) return why;
        stack.push(x);
      }
    }
  }
  return undefined;
}

/** What makes a string one no environment stores. */
export type Unstorable = 'nul' | 'surrogate';

const UNSTORABLE_WORDS: Record<Unstorable, string> = { nul: 'a NUL character (\\u0000)', surrogate: 'an unpaired surrogate (not Unicode)' };

/** Whether one string (a value or a key) is one no environment stores, and why: the test of `unstorableText`. */
export function unstorableString(s: string): Unstorable | undefined {
  return s.includes('\u0000') ? 'nul' : LONE_SURROGATE.test(s) ? 'surrogate' : undefined;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
