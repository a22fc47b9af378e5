import * as path from 'node:path';
import { UnpackRefused } from './errors';
import { extensionProblem, extensionProblemText } from './extensions';
import { foldedPath, joinInside, nameOfCode, relativeTo, unportablePart } from './names';

type Obj = Record<string, unknown>;

/** Files of the project itself, by name (as a case-insensitive file system compares them). */
const PROJECT_FILES: ReadonlySet<string> = new Set(['isola.history.json', 'isola.config.json'].map(foldedPath));

/**
 * Where the manifest of each unit goes when the folder has none yet: one folder per namespace.
 * Named after codes (`nameOfCode`: a workspace `con` goes to `con_/con_.isola.json`).
 */
export const defaultManifestFile = {
  /** A workspace or module: `<ns>/<ns>.isola.json`. */
  namespace: (ns: string) => `${nameOfCode(ns)}/${nameOfCode(ns)}.isola.json`,
  /** A solution, a configuration, or the app of an app package: at the top of the folder. */
  top: (code: string) => `${nameOfCode(code)}.isola.json`,
  /** An app manifest inside a namespace package: `<ns>/apps/<app>.isola.json`. */
  app: (ns: string, code: string) => `${nameOfCode(ns)}/apps/${nameOfCode(code)}.isola.json`,
};

/** A file an unpack writes besides manifests: a package entry (script, template) or an app's records. */
export interface PlannedFile {
  /** Path relative to the unpack folder. */
  file: string;
  /** The package entry whose bytes it gets, or the app (`namespace.app`) whose records. */
  source: { entry: string; sha256: string } | { app: string } | { empty: true };
  /** A file another manifest of the folder names for this very content (a data-only package's records): the unpack may replace it. */
  adopted?: true;
}

/** One request for a file name: who asks, what it holds, the name a manifest already gives it. */
interface Request {
  manifestFile: string;
  /** Default names to try in order (relative to the manifest's folder), before numbering. */
  defaults: string[];
  hint?: string;
  source: PlannedFile['source'];
  set: (spec: string) => void;
  what: string;
  /** The hint is another manifest's own name for this content: it may be taken though reserved. */
  adopt?: boolean;
  /**
   * The hint comes from the package (an app card's body names its files), not from a manifest of
   * the folder: it is followed only where the package's own files go (`packageHintProblem`).
   */
  fromPackage?: boolean;
  /** Why the defaults were not the package's own (`safeDefaults`): said when a default is used. */
  unsafeDefault?: string;
}

/**
 * Why a name the package gives a file (relative to the unpack folder) is not followed, or
 * undefined. A package is untrusted: followed anywhere in the folder, an app card's hint could
 * plant a manifest of another unit, a CI workflow (`.github/workflows/…`) or any file the folder
 * lacks. So it must lie in the folder its defaults use next to its manifest (`scripts/`,
 * `templates/`, `data/`), name no hidden file or folder, no manifest and nothing the unpack would
 * refuse to write, and keep its content's extension; otherwise the file gets a default name.
 */
export function packageHintProblem(file: string, manifestDir: string, firstDefault: string): string | undefined {
  const folder = path.posix.dirname(firstDefault);
  const base = manifestDir ? `${manifestDir}/${folder}/` : `${folder}/`;
  if (!file.startsWith(base)) return `outside the \`${folder}/\` folder next to its manifest`;
  const rest = file.slice(base.length).split('/');
  if (rest.some((seg) => seg.startsWith('.'))) return 'a hidden file or folder';
  if (foldedPath(file).endsWith('.isola.json')) return 'a manifest\'s name';
  // A package built before the check refused such names may still suggest one: a name of its own
  // instead, rather than an unpack that refuses the name it was about to choose.
  const unportable = unportablePart(rest.join('/'));
  if (unportable) return `not a name every file system takes (\`${unportable.segment}\`)`;
  const ext = extOf(firstDefault);
  if (foldedPath(extOf(file)) !== foldedPath(ext)) return `not a \`${ext}\` file`;
  return undefined;
}

/**
 * The folders an unpack names files in, the extension a file gets there when the package's is
 * one it does not write (`extensionProblem`), and what a file is named after when its codes give
 * no name. A template loses the extension rather than take another (nothing opens a file without
 * one on its own), a script becomes `.ts`; data files are always `.jsonl` (the unpack writes their records).
 */
const FOLDERS: Readonly<Record<string, { fallback: string; word: string }>> = {
  scripts: { fallback: '.ts', word: 'script' },
  templates: { fallback: '', word: 'template' },
  data: { fallback: '.jsonl', word: 'data' },
};

/** A default name's part after its folder: codes joined by dots (`approve.main`), as a schema code allows them. */
const DEFAULT_STEM = /^[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*$/;

/**
 * The defaults of a request made safe. They are made of codes and an entry's extension from the
 * package, which the reader judges but an environment may hold from before it did (a script
 * coded `.github/workflows/ci` or `planted.isola`): so each must be one file right in its folder
 * (`scripts/`, `templates/`, `data/`), not hidden, not a manifest, with an extension the unpack
 * writes (`extensionProblem`, which MAN003 holds a project's files to), as `packageHintProblem`
 * asks of a hint. A default with another extension gets its folder's; one
 * with any other fault is dropped, and when none is left the file is named after what it is
 * (`scripts/script.ts`). Returns the safe defaults and, when they differ, why.
 */
export function safeDefaults(defaults: string[]): { defaults: string[]; why?: string } {
  const folder = defaults[0]?.split('/')[0] ?? '';
  const rules = Object.hasOwn(FOLDERS, folder) ? FOLDERS[folder] : undefined;
  if (!rules) return { defaults };
  const out: string[] = [];
  let why: string | undefined;
  for (const d of defaults) {
    const rest = d.slice(folder.length + 1);
    const ext = extOf(rest);
    const stem = rest.slice(0, rest.length - ext.length);
    const fault = !d.startsWith(`${folder}/`) || rest.includes('/') ? 'not a file right in its folder'
      : rest.startsWith('.') ? 'a hidden file'
        : foldedPath(rest).endsWith('.isola.json') ? 'a manifest\'s name'
          : !DEFAULT_STEM.test(stem) ? 'not made of codes' : undefined;
    if (fault) {
      why ??= fault;
      continue;
    }
    const bad = extensionProblem(ext);
    const safe = bad ? `${folder}/${stem}${rules.fallback}` : d;
    if (bad) why ??= `a file with the extension ${extensionProblemText(bad)}`;
    if (!out.includes(safe)) out.push(safe);
  }
  if (!out.length) out.push(`${folder}/${rules.word}${rules.fallback}`);
  return why ? { defaults: out, why } : { defaults };
}

/**
 * Names the scripts, template documents and data files of the manifests. Names a manifest
 * already gives (in place, or in an app manifest's own body) are kept; new ones get the
 * shortest default that is free in their folder, compared as a case-insensitive file system
 * would. Requests are collected first and named together, so a kept name always wins over a
 * default, whatever order the cards came in.
 */
export class FileNamer {
  private readonly requests: Request[] = [];
  /** What `assign` did not follow, one line each, for the unpack's notes. */
  readonly notes: string[] = [];

  /** Asks for a name; `set` receives the spec (relative to the manifest) once `assign` runs. */
  request(r: Request): void {
    this.requests.push(r);
  }

  /**
   * Gives every request its name; returns the files to write. Refuses hints that lead outside the
   * folder. `reserved` are files that no request may have (every manifest, and the files of the
   * folder's other units): a hint that names one gets a name of its own instead.
   */
  assign(reserved: Iterable<string> = []): PlannedFile[] {
    const taken = new Map<string, PlannedFile>();
    const blocked = new Set([...reserved].map(foldedPath));
    const out: PlannedFile[] = [];
    const claim = (file: string, source: PlannedFile['source'], adopt = false): boolean => {
      const f = foldedPath(file);
      if (blocked.has(f) && !adopt) return false;
      // The project's history and configuration are never a script's, a template's or data's.
      if (PROJECT_FILES.has(foldedPath(path.posix.basename(file)))) return false;
      const had = taken.get(f);
      if (had) return had.file === file && sameSource(had.source, source);
      const p: PlannedFile = adopt && blocked.has(f) ? { file, source, adopted: true } : { file, source };
      taken.set(f, p);
      out.push(p);
      return true;
    };
    const later: Request[] = [];
    for (const r0 of this.requests) {
      // Defaults are the package's word too (its codes, its entries' extensions): judged first,
      // so a hint is also held to the extension of the name the file would otherwise get.
      const safe = safeDefaults(r0.defaults);
      const r = safe.why ? { ...r0, defaults: safe.defaults, unsafeDefault: `the name the package's codes give it, \`${r0.defaults[0]}\`, is ${safe.why}` } : r0;
      if (r.hint === undefined) {
        later.push(r);
        continue;
      }
      const dir = path.posix.dirname(r.manifestFile) === '.' ? '' : path.posix.dirname(r.manifestFile);
      const file = joinInside(dir, r.hint);
      if (!file) throw new UnpackRefused(`${r.manifestFile}: ${r.what} names \`${r.hint}\`, which leads outside the folder`);
      const why = r.fromPackage ? packageHintProblem(file, dir, r.defaults[0]) : undefined;
      if (why) {
        this.notes.push(`${r.manifestFile}: the package names \`${r.hint}\` for ${r.what}, ${why}; the file gets a name of its own`);
        later.push({ ...r, hint: undefined });
      } else if (!claim(file, r.source, r.adopt)) later.push({ ...r, hint: undefined });
      else r.set(r.hint);
    }
    for (const r of later) {
      const dir = path.posix.dirname(r.manifestFile) === '.' ? '' : path.posix.dirname(r.manifestFile);
      const last = r.defaults[r.defaults.length - 1];
      const ext = extOf(last);
      // The defaults, then the last one numbered: `_2`, `_3`, ...
      const name = (i: number) => (i < r.defaults.length ? r.defaults[i] : `${last.slice(0, last.length - ext.length)}_${i - r.defaults.length + 2}${ext}`);
      let spec: string | undefined;
      for (let i = 0; i < r.defaults.length + 1000 && spec === undefined; i++) if (claim(dir ? `${dir}/${name(i)}` : name(i), r.source)) spec = name(i);
      if (!spec) throw new UnpackRefused(`${r.manifestFile}: no free file name for ${r.what}`);
      if (r.unsafeDefault) this.notes.push(`${r.manifestFile}: ${r.what} gets \`${spec}\`: ${r.unsafeDefault}`);
      r.set(spec);
    }
    return out;
  }
}

function sameSource(a: PlannedFile['source'], b: PlannedFile['source']): boolean {
  if ('entry' in a && 'entry' in b) return a.sha256 === b.sha256;
  if ('app' in a && 'app' in b) return a.app === b.app;
  return false;
}

/** The extension of a package entry (`scripts/ns.p.s.ts` → `.ts`); the builder names entries by it, so it must be kept. */
export function extOf(file: string): string {
  return path.posix.extname(file);
}

/** A path from one manifest to another, as `includes` writes it. */
export function includeSpec(fromFile: string, toFile: string): string {
  const dir = path.posix.dirname(fromFile);
  return relativeTo(dir === '.' ? '' : dir, toFile);
}

/** The string at `obj[key]` when it is one. */
export function stringAt(obj: Obj | undefined, key: string): string | undefined {
  const v = obj?.[key];
  return typeof v === 'string' ? v : undefined;
}
