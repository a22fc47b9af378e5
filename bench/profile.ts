import * as fs from 'node:fs';
import { SourceMap } from 'node:module';
import * as path from 'node:path';

/** One node of a V8 `.cpuprofile`. */
export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

/**
 * Maps a profile's call frames back to TypeScript sources through the compiled files' source
 * maps (read once each): `server/src/core/check.ts:78`. Undefined for frames without a script
 * (native code, GC). `baseOf` gives the folder a map's sources are relative to, when that is not
 * the compiled file's own folder (a map copied away from where it was written).
 */
export function sourceLocator(root: string, baseOf: (js: string) => string = path.dirname): (cf: ProfileNode['callFrame']) => string | undefined {
  const maps = new Map<string, SourceMap | undefined>();
  return (cf) => {
    if (!cf.url) return undefined;
    const js = cf.url.startsWith('file://') ? new URL(cf.url).pathname : cf.url;
    if (!js.startsWith('/')) return `${js}:${cf.lineNumber + 1}`; // node:internal modules
    if (!maps.has(js)) {
      let sm: SourceMap | undefined;
      try {
        sm = new SourceMap(JSON.parse(fs.readFileSync(js + '.map', 'utf8')));
      } catch {
        sm = undefined;
      }
      maps.set(js, sm);
    }
    const e = maps.get(js)?.findEntry(cf.lineNumber, cf.columnNumber) as { originalSource?: string; originalLine?: number } | undefined;
    if (e?.originalSource) return `${path.relative(root, path.resolve(baseOf(js), e.originalSource.replace(/^file:\/\//, '')))}:${e.originalLine! + 1}`;
    return `${path.relative(root, js)}:${cf.lineNumber + 1}`;
  };
}
