import type { ManifestKind } from '../manifest/types';
import type { PlannedFile } from './layout';
import type { Obj } from './manifestLists';

/** A manifest already in the unpack folder, modelled enough to be found and edited. */
export interface ExistingManifest {
  /** Relative to the unpack folder, forward slashes. */
  file: string;
  kind: ManifestKind;
  code: string;
  /** An app manifest's namespace. */
  namespace?: string;
  value: Obj;
  /** The files it names (scripts, templates, data, includes), relative to the unpack folder. */
  links?: string[];
}

/** One manifest the package becomes: where it goes and the value it must have. */
export interface ManifestDraft {
  file: string;
  kind: ManifestKind;
  code: string;
  value: Obj;
  /** The manifest already there for this unit, edited in place. */
  existing?: ExistingManifest;
  /** Lists of `value` whose order the package gives whole (menu pages, org-chart siblings): an edit in place takes it. */
  ordered?: Set<unknown[]>;
}

/** Everything an unpack writes, before anything is written. */
export interface UnpackLayout {
  manifests: ManifestDraft[];
  files: PlannedFile[];
  /** What could not be laid out exactly as the package has it, in a sentence each. */
  notes: string[];
}
