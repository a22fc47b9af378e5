/** A path into a JSON value: property names and array indices. */
export type JsonPath = ReadonlyArray<string | number>;

/** A stable string key for a path, usable in maps. */
export function pathKey(path: JsonPath): string {
  return JSON.stringify(path);
}

/** Renders a path the way users write it: `processes[2].lanes[0].group`. */
export function formatPath(path: JsonPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out || '(root)';
}

/** Reads the value at a path, or undefined. */
export function valueAt(root: unknown, path: JsonPath): unknown {
  let cur: unknown = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}
