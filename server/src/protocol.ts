/**
 * Custom messages between the Isola client and language server, declared once and typed.
 * Both sides import this module; it depends only on the protocol package.
 */
import { RequestType } from 'vscode-languageserver-protocol';

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
