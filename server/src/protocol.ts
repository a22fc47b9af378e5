/**
 * Custom messages between the Isola client and language server, declared once and typed.
 * Both sides import this module; it depends only on the protocol package.
 */
import { RequestType } from 'vscode-languageserver-protocol';
import type { GraphLevel, ReferenceGraph } from './core/graph/types';

/**
 * Node flags the server runs with. Each check of a 1 MB manifest allocates tens of megabytes of
 * short-lived objects; a 32 MB young generation (V8's default is 16) collects them in fewer
 * scavenges: edit latency after the debounce went from a p95 of 58-60 ms to 47-50 ms in
 * bench/lsp.ts, for about 10 MB more resident memory.
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=32'];

/** Counts of findings. */
export interface FindingCounts {
  errors: number;
  warnings: number;
  infos: number;
}

/** A package of the workspace, as the client shows it. */
export interface PackageSummary {
  kind: string;
  code: string;
  title?: string;
  /** URI of the package's root manifest. */
  uri: string;
  /** Findings over every member of the package. */
  counts: FindingCounts;
  /** The code of each error finding (they block a build), one entry per finding. */
  errorCodes: string[];
  /** Apps of the package that have data records (`namespace.app`). */
  dataApps: string[];
  version?: string;
}

export interface PackageInfoParams {
  uri: string;
}

export interface PackageInfo {
  /** The smallest package containing the manifest, when it is one. */
  package?: PackageSummary;
}

/** Client → server: which package a manifest is checked in, and its counts (status bar). */
export const PackageInfoRequest = new RequestType<PackageInfoParams, PackageInfo, void>('isola/packageInfo');

/** Client → server: every package of the open workspace folders (package pickers). */
export const PackagesRequest = new RequestType<Record<string, never>, PackageSummary[], void>('isola/packages');

/** Client → server: reload every project from disk and re-check it; answers with the totals. */
export const RecheckRequest = new RequestType<Record<string, never>, FindingCounts & { files: number }, void>('isola/recheck');

/** A finding that blocks a build, as the client lists it. */
export interface BlockingFinding {
  uri: string;
  line: number;
  character: number;
  code: string;
  message: string;
}

export interface BuildPackageParams {
  /** URI of the package's root manifest. */
  uri: string;
  title?: string;
  comment?: string;
  /** `none`, `all`, or the apps (`namespace.app`) whose records to carry. */
  data: 'none' | 'all' | string[];
  /** Absolute path of the package file to write. */
  out: string;
  /** Progress token (LSP work-done progress): the server reports bytes packed. */
  workDoneToken?: string | number;
}

export interface BuildPackageResult {
  /** Set when the build went ahead. */
  built?: {
    file: string; size: number; cards: number; records: number; changed: number;
    /** Set when the file existed: whether the package it replaced held the same content, and a sentence saying so. */
    replaced?: { same: boolean; message: string };
    /** The `isola.history.json` the build recorded its versions in (the package's project folder). */
    history: string;
    /**
     * Project files above the package that another user owns, passed over while looking for the
     * project folder (a sentence each, as the CLI warns): the history went elsewhere than they say.
     */
    warnings?: string[];
  };
  /** Set when the build was refused (error findings, missing data). */
  refused?: { message: string; findings: BlockingFinding[] };
}

/** Client → server: build a package in the server process (cancellable; progress through `workDoneToken`). */
export const BuildPackageRequest = new RequestType<BuildPackageParams, BuildPackageResult, void>('isola/buildPackage');

/** A card as the Package Contents view lists it. */
export interface CardSummary {
  path: string;
  id: string;
  type: string;
  code: string;
  namespace: string;
  deleted: boolean;
  title?: string;
}

export interface PackageContents {
  /** The descriptor without its entry index (which can be long). */
  descriptor: Record<string, unknown> & { kind: string; code: string; title?: string; version?: string };
  steps: { step: string; cards: CardSummary[] }[];
  data: { app: string; records: number; chunks: number }[];
  entries: number;
  bytes: number;
}

/** Client → server: open and verify a package file; answers its contents, or an error naming the problem. */
export const InspectPackageRequest = new RequestType<{ file: string }, { contents?: PackageContents; error?: string }, void>('isola/inspectPackage');

/** Client → server: the text of one entry of a package (for read-only card documents). */
export const ReadPackageEntryRequest = new RequestType<{ file: string; path: string }, { text?: string; error?: string }, void>('isola/readPackageEntry');

/** Client → server: the card an entity would have if built from the workspace now (for "Compare with Workspace"). */
export const CurrentCardRequest = new RequestType<{ id: string }, { text?: string; manifestUri?: string }, void>('isola/currentCard');

export interface PlanUnpackParams {
  /** Absolute path of the package file. */
  file: string;
  /** Absolute path of the folder to unpack into (edited in place where it holds the manifests). */
  dir: string;
  /**
   * Replace files that are not Isola's, or whose edits cannot be placed, and write a unit's
   * manifest beside an unreadable one of that unit (with a note), instead of refusing.
   */
  force?: boolean;
}

/** One file of a planned unpack (as `isola unpack --format json` lists it). */
export interface PlannedUnpackFile {
  /** Relative to the unpack folder, forward slashes. */
  file: string;
  status: 'created' | 'changed' | 'unchanged';
  /** Manifests: the entities whose content changed. */
  entities?: number;
  /**
   * The project's history (`isola.history.json`): not part of the editor's edit; the server
   * merges the package's history into it as it is once the edit is applied (`isola/settleUnpackHistory`).
   */
  history?: boolean;
}

export interface PlanUnpackResult {
  /** Set when the unpack can go ahead. */
  plan?: {
    package: { kind: string; code: string; version?: string };
    files: PlannedUnpackFile[];
    notes: string[];
    /**
     * A folder the server made, holding the new content of every created or changed file at its
     * relative path; the client reads it, applies the changes as one edit, then deletes it.
     */
    stage: string;
    /** Set when a history file is planned: what `isola/settleUnpackHistory` takes, once. */
    historyToken?: string;
  };
  /** Set when it cannot: an unsafe name, a file that is not Isola's, a package the reader refuses. Nothing was written. */
  refused?: string;
  /**
   * Set (true) with `refused` when `force` overrides the refusal (a file that is not Isola's, an
   * edit that cannot be placed in a manifest's text, a manifest of a carried unit that cannot be
   * read) and the plan met no other: the same request with `force: true` plans, unless the folder
   * changes in between. `refused` is the sentence that says what `force` does. Never set when
   * the request had `force`.
   */
  forceable?: boolean;
}

/** Client → server: plan an unpack without writing into the folder (cancellable); the client applies it as a workspace edit. */
export const PlanUnpackRequest = new RequestType<PlanUnpackParams, PlanUnpackResult, void>('isola/planUnpack');

/** Parameters of `isola/settleUnpackHistory`: after the edit of a planned unpack, merge its history or drop it. */
export interface SettleUnpackHistoryParams {
  /** The plan's `historyToken`. */
  token: string;
  /** Merge the package's history into the project's (every file of the package was taken); false drops it. */
  merge: boolean;
}

/** The answer: merged, or why not (the history is then as it was). */
export interface SettleUnpackHistoryResult {
  merged: boolean;
  refused?: string;
}

export const SettleUnpackHistoryRequest = new RequestType<SettleUnpackHistoryParams, SettleUnpackHistoryResult, void>('isola/settleUnpackHistory');

/** Parameters of `isola/graph`: a manifest of the project, and optionally which package and level. */
export interface GraphParams {
  /** A manifest of the project (and, without `package`, of the package to draw: the one it is checked in). */
  uri: string;
  /** Code of the package to draw (with `kind` when two packages share it). */
  package?: string;
  kind?: string;
  level?: GraphLevel;
}

/** The answer to `isola/graph`: the graph, or a sentence saying why there is none. */
export interface GraphResult {
  graph?: ReferenceGraph;
  /** URI of the project's root folder: the graph's `file`s are relative to it. */
  root?: string;
  error?: string;
}

/**
 * Client → server: the reference graph of a package, drawn from the server's current model
 * (pending edits applied first; one graph per model snapshot, kept while the snapshot lives),
 * for a view that shows it. Answers an error sentence when there is no such package.
 */
export const GraphRequest = new RequestType<GraphParams, GraphResult, void>('isola/graph');
