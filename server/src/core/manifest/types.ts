import type { JsonSyntaxError } from '../json/parse';
import type { RepeatedKey } from '../json/repeatedKeys';
import type { JsonPath } from '../json/path';
import type { OutsidePath } from './linkedPath';

/** The five kinds of manifest, which are also the package kinds (isolation levels). */
export type ManifestKind = 'app' | 'workspace' | 'module' | 'solution' | 'configuration';

export const MANIFEST_KINDS: readonly ManifestKind[] = ['app', 'workspace', 'module', 'solution', 'configuration'];

/** Kinds of entity a manifest declares. */
export type EntityKind =
  | 'app' | 'field' | 'button' | 'status' | 'form' | 'permission'
  | 'process' | 'page' | 'widget' | 'group' | 'counter' | 'template'
  | 'activity' | 'apiMethod' | 'setting' | 'event' | 'orgUnit' | 'script';

/** Kinds a reference can point at: the property name that holds it says which. */
export type RefKind =
  | 'app' | 'process' | 'group' | 'page' | 'widget' | 'template'
  | 'counter' | 'activity' | 'apiMethod' | 'orgUnit';

/** The namespace that global objects live in (`global.<code>`). */
export const GLOBAL_NAMESPACE = 'global';
/** The pseudo-namespace of org-chart units, which are addressed by bare code. */
export const ORG_NAMESPACE = '#orgchart';

/** One entity declaration, with where it stands. */
export interface EntityDecl {
  kind: EntityKind;
  code: string;
  /** Namespace it lives in: a workspace/module code, `global`, a solution code (solution groups) or `#orgchart`. */
  namespace: string;
  /** `namespace.code`, plus `.child` segments for nested entities (fields of an app, scripts of a process). */
  id: string;
  /** The enclosing entity for nested ones (fields, buttons, scripts...). */
  parent?: EntityDecl;
  title?: string;
  deleted: boolean;
  manifest: Manifest;
  /** Path to the entity object; its `code` value is at `[...path, 'code']`. */
  path: JsonPath;
  body: Record<string, unknown>;
}

/** A reference string found in a manifest. */
export interface Reference {
  kind: RefKind;
  text: string;
  path: JsonPath;
  manifest: Manifest;
  /** Innermost entity whose body holds the reference. */
  owner?: EntityDecl;
  /** Its place in its manifest's `references`, where a project keeps its resolution. */
  at?: number;
}

/** A script attached to a process, widget, activity, API method or event handler. */
export interface ScriptDecl {
  entity: EntityDecl;
  /** `true` when the Global flag is set. */
  global: boolean;
  /** Inline source, if given by `source`. */
  source?: string;
  /** The script file, if given by `file`. */
  file?: LinkedFile;
  imports: { namespace: string; path: JsonPath }[];
}

/** A file a manifest names (include, script, template, data), resolved against the manifest's folder. */
export interface LinkedFile {
  /** As written in the manifest. */
  spec: string;
  /** Absolute path. */
  absPath: string;
  /** Path relative to the project root, with forward slashes. */
  file: string;
  /** Where the path string stands in the manifest. */
  path: JsonPath;
  role: 'include' | 'script' | 'template' | 'data';
  /** Text, for script files that exist (read once, scanned for `Global.`). */
  text?: string;
  exists: boolean;
  /** Set when the path leads outside the project: the file is then never read (MAN003). */
  outside?: OutsidePath;
  /**
   * Set when a script or template is there but cannot be read whole (not a regular file, not
   * permitted, too large): why. MAN003 reports it, and the build refuses the package.
   */
  unreadable?: string;
  /** For a data file: its first line that is not a record, which would refuse the build (MAN003). */
  dataProblem?: { line: number; reason: string };
}

/** One `*.isola.json` file, parsed and modelled. */
export interface Manifest {
  /** The project root (absolute): `file` is relative to it, and every path the manifest names must stay inside it. */
  root: string;
  /** Path relative to the project root, with forward slashes. */
  file: string;
  absPath: string;
  text: string;
  /** Parsed value; undefined when the text is not JSON at all. */
  value: unknown;
  syntaxErrors: JsonSyntaxError[];
  /** Property names written twice in one object (each ignored occurrence); set only when there are some. */
  repeatedKeys?: RepeatedKey[];
  /** Set when the top level names a valid kind and a string code; otherwise the manifest is not modelled. */
  kind?: ManifestKind;
  code?: string;
  title?: string;
  /** Namespace its entities live in (workspace/module code, or an app manifest's `namespace`). */
  namespace?: string;
  entities: EntityDecl[];
  references: Reference[];
  scripts: ScriptDecl[];
  /** Files named by the manifest: includes first, in order, then scripts, templates and data. */
  links: LinkedFile[];
  /**
   * Set when this is no manifest but a folder under the project that could not be listed (why):
   * the manifests it may hold are unknown, so it stands in their place, with a MAN002 that fails
   * the check and refuses every build of the project (see `noteReadProblems`).
   */
  unlisted?: string;
}

/** A package: an exportable unit and the manifests checked inside it. */
export interface Package {
  kind: ManifestKind;
  code: string;
  root: Manifest;
  /** The root and everything it includes, transitively. */
  members: Manifest[];
  /** Namespaces (and solution codes, for solution groups) its references may reach. */
  namespaces: ReadonlySet<string>;
}
