import type { Card, DataOption } from '../packaging/format';
import type { PlanChoice } from './importChoice';
import type { Said } from './said';

/** Job statuses (spec §5). */
export type JobStatus = 'queued' | 'checking' | 'backing-up' | 'importing' | 'exporting' | 'succeeded' | 'failed' | 'cancelled';
export const FINISHED: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed', 'cancelled']);

/** What an import does to one entity. */
export type PlanAction = 'create' | 'update' | 'unchanged' | 'conflict' | 'kept';

/** Who is calling: a user of the environment, found by their token. */
export interface Caller {
  id: number;
  name: string;
  admin: boolean;
  /** Namespaces this user owns (is the full-access admin of). */
  namespaces: string[];
}

/** One design entity as the environment holds it: its card, and who changed it last. */
export interface EnvEntity extends Card {
  /** The app whose package brought it, when it came in an app package. */
  app?: string;
  updatedAt: string;
  updatedBy: string;
  /** Last changed in the environment itself (by a user or a restore), not by an import. */
  changedHere?: boolean;
}

/** One row of an import plan. */
export interface PlanEntity {
  id: string;
  type: string;
  namespace: string;
  title?: string;
  action: PlanAction;
  /** Hash in the environment (absent for `create`). */
  envHash?: string;
  /** Hash in the package (absent for `kept`). */
  packageHash?: string;
  deleted?: boolean;
  /** Why, in a sentence (conflicts say who changed it and when); in the request's language. */
  reason?: string;
  /** The same sentence as a catalog entry, for front ends that say it in another language. */
  said?: Said;
  /**
   * On a `conflict`: the package's version is older than the environment's (it is in the
   * environment's history, followed by versions the package does not know), not an edit made there.
   */
  older?: boolean;
  /**
   * What an update keeps of the environment's version (merge.ts): sub-entities the package lacks
   * (`fields.amount`, `forms.view.fields.amount`) and what belongs to the target (`title`, `value`).
   */
  kept?: string[];
  /**
   * Nested menu pages an update of a page leaves out because the package places them elsewhere,
   * at the top level or in another page (`pages.child`): a page is one entity wherever it stands.
   */
  moved?: string[];
  /**
   * The pages of `moved`, each with its id and where the package places it: `to`, the page the
   * package nests it in, absent when the package makes it a top-level page.
   */
  moves?: PageMove[];
}

/** A nested menu page an update of a page leaves out: where it stood, and where the package places it. */
export interface PageMove {
  /** Its path in the page it leaves (`pages.child`, `pages.group.pages.child`). */
  path: string;
  /** Its id (`pm.child`). */
  page: string;
  /** The page the package nests it in (`pm.other`); absent when the package makes it a top-level page. */
  to?: string;
}

/** One check of an import, passed or failed. */
export interface ImportCheck {
  name: 'format' | 'platform' | 'languages' | 'isolation' | 'references' | 'types' | 'schema' | 'order' | 'letterCase' | 'running' | 'repeat' | 'data' | 'records' | 'ids';
  ok: boolean;
  /** What was checked, or why it failed; in the request's language. */
  message: string;
  /** The same sentence as a catalog entry, for front ends that say it in another language. */
  said?: Said;
  /** Failed checks with details (findings), one line each. */
  details?: string[];
}

/** Data records an import writes, per app. */
export interface PlanData {
  app: string;
  records: number;
  /** Records of this app already in the environment. */
  existing: number;
}

/** What an import would do: made before anything changes, confirmed by the caller. */
export interface ImportPlan {
  id: string;
  package: {
    id: string; kind: string; code: string; title?: string; version?: string; sha256: string; importedAs?: string;
    /** What the package brings, whatever file it came in (a rebuild of the same manifests has the same; planChecks.contentDigest). */
    contentSha256?: string;
  };
  /** Namespaces the import writes. */
  namespaces: string[];
  checks: ImportCheck[];
  /** True when every check passed. */
  ok: boolean;
  entities: PlanEntity[];
  data: PlanData[];
  counts: Record<PlanAction, number>;
  /** What was chosen to import, what the package offers, and what the choice leaves out. */
  choice?: PlanChoice;
  /** The environment's revision the plan was made against; a later change makes it stale. */
  revision: number;
  createdAt: string;
  createdBy: string;
}

/** A background import or export. */
export interface Job {
  id: string;
  kind: 'import' | 'export';
  status: JobStatus;
  /** The step running (an import step folder, `data <app>`, `backup`, ...). */
  step: string;
  /** 0..1 */
  progress: number;
  namespaces: string[];
  packageCode?: string;
  packageSha256?: string;
  request: Record<string, unknown>;
  plan?: ImportPlan;
  result?: Record<string, unknown>;
  error?: string;
  createdBy: string;
  createdAt: string;
  finishedAt?: string;
  backupId?: string;
}

/** One line of a job's log. */
export interface LogLine {
  seq: number;
  at: string;
  level: 'info' | 'warn' | 'error';
  line: string;
}

/** A backup of what an import touched, taken before it changed anything. */
export interface Backup {
  id: string;
  jobId: string;
  createdAt: string;
  createdBy: string;
  namespaces: string[];
  entities: number;
  records: number;
  restoredAt?: string;
  restoredBy?: string;
}

/** Environment-wide settings that imports are checked against. */
export interface EnvSettings {
  name: string;
  /** Platform version the environment runs (packages may need at most this). */
  platform: string;
  /** Languages in order; empty until set or until the first import brings them. */
  languages: string[];
}

/** What to export (spec §5): a namespace, an app, a solution or the whole configuration. */
export interface ExportRequest {
  kind: 'namespace' | 'workspace' | 'module' | 'app' | 'solution' | 'configuration';
  code: string;
  design?: 'all' | 'none';
  data?: DataOption;
  title?: string;
  comment?: string;
}
