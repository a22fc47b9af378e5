import type { Range } from '../json/positions';
import type { ReferenceClass } from '../manifest/verdict';
import type { EntityKind, ManifestKind, RefKind } from '../manifest/types';
import type { RuleCode } from '../rules/rule';

/** The two zoom levels of a reference graph. */
export type GraphLevel = 'namespace' | 'entity';

/**
 * What a namespace node stands for: a workspace or module, a solution's groups, a built-in
 * namespace, the global objects, the org chart, or a namespace nothing declares.
 */
export type NamespaceNodeKind = 'workspace' | 'module' | 'solution' | 'builtin' | 'global' | 'orgChart' | 'namespace';

/** A node: a namespace, or one entity of a namespace (an app, a process, a group, an org-chart unit...). */
export interface GraphNode {
  /** Stable and unique within a graph: `ns:<namespace>` or `<kind>:<namespace>.<code>`. */
  id: string;
  kind: NamespaceNodeKind | EntityKind;
  /** The namespace (for a namespace node, its own code). */
  namespace: string;
  code: string;
  title?: string;
  /** The package carries it. */
  inside: boolean;
  /** Every environment has it (a built-in namespace or entity). */
  builtin: boolean;
  /** A reference names it, but it exists nowhere (ISO006). */
  missing?: boolean;
  /** Where it is declared (first declaration), when the project declares it. */
  file?: string;
  range?: Range;
  /**
   * Every declaration, first one included, when there are several: an entity declared in more
   * than one manifest, or a namespace spread over manifests (a workspace and its app manifests).
   */
  declarations?: { file: string; range: Range }[];
}

/** One reference string of a manifest, where it stands, and how it is classed. */
export interface ReferenceSite {
  /** The property that holds it says the target kind; `import` is a script's `imports` entry. */
  kind: RefKind | 'import';
  /** As written in the manifest. */
  text: string;
  /** Project-relative file and zero-based range of the reference's text, as in findings. */
  file: string;
  range: Range;
}

/** An edge: the references from one node to another that share a class (and rule code). */
export interface GraphEdge {
  from: string;
  to: string;
  class: ReferenceClass;
  /** The rule that reports these references: ISO002-ISO006 (and ISO007 on licensed built-ins, ISO009). */
  code?: RuleCode;
  references: ReferenceSite[];
}

/** The references of one package, drawn at one level. */
export interface ReferenceGraph {
  package: { kind: ManifestKind; code: string; file: string; title?: string };
  level: GraphLevel;
  /** Inside nodes first, then outside ones; each group by id. */
  nodes: GraphNode[];
  /** By source, target, class. */
  edges: GraphEdge[];
}
