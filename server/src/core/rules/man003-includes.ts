import * as path from 'node:path';
import { isManifestPath } from '../manifest/host';
import { SOLUTION_MEMBER_KINDS } from '../manifest/kinds';
import type { OutsidePath } from '../manifest/linkedPath';
import type { MessageKey, Translator } from '../l10n';
import type { LinkedFile } from '../manifest/types';
import { extensionProblem } from '../unpack/extensions';
import { unportablePart, type SegmentProblem } from '../unpack/names';
import { Finding, finding, Rule } from './rule';

/**
 * MAN003: includes (and other named files) that lead outside the project, do not exist, are not
 * manifests, or form a cycle; scripts and templates that cannot be read whole.
 */
export const man003: Rule = {
  code: 'MAN003',
  severity: 'error',
  title: 'Broken include or file',
  description: 'An `includes` path or a script, template or data file that is absolute or leads outside the project, a script, template or data file whose name not every file system takes or that differs from another named file only in letter case, a script or template file whose extension an unpack would not write (not 1 to 16 letters and digits, or one a desktop runs as a program when the file is opened, such as `.exe` or `.sh`), an include that does not exist or is not a manifest, an include cycle, a script, template or data file that does not exist, a script or template that cannot be read (not a regular file, not permitted, or larger than 64 MB), or a data file with a line that is not a record (a JSON object with an `id`), or data keyed by an app the namespace does not declare.',
  check(m, ctx) {
    const out: Finding[] = [];
    const { includeTarget, cycleLinks } = ctx.project.packageMap;
    const { t } = ctx;
    for (const l of m.links) {
      const at = { path: l.path };
      if (l.outside) {
        out.push(finding(this, m, ctx, at, t.t('man003.outside', { role: t.t(ROLE_NAMES[l.role]), spec: l.spec, why: outsideWhy(l.outside, t), root: m.root })));
      } else if (l.role === 'include') {
        if (!isManifestPath(l.absPath)) {
          out.push(finding(this, m, ctx, at, t.t('man003.notManifest', { spec: l.spec })));
        } else if (!l.exists) {
          out.push(finding(this, m, ctx, at, t.t('man003.missing', { role: t.t('man003.role.include'), spec: l.spec, lookedFor: lookedFor(l, t) })));
        } else if (cycleLinks.has(l)) {
          out.push(finding(this, m, ctx, at, t.t('man003.cycle', { spec: l.spec, file: includeTarget.get(l)?.file ?? l.file })));
        } else {
          const target = includeTarget.get(l);
          if (target && m.kind === 'solution' && !SOLUTION_MEMBER_KINDS.has(target.kind!)) {
            out.push(finding(this, m, ctx, at, t.t('man003.notMember', { spec: l.spec, aKind: aKind(target.kind!, t) })));
          }
        }
      } else if (l.unreadable !== undefined) {
        out.push(finding(this, m, ctx, at, t.t('man003.unreadable', { role: t.t(ROLE_NAMES[l.role]), spec: l.spec, reason: l.unreadable })));
      } else if (!l.exists) {
        out.push(finding(this, m, ctx, at, t.t('man003.missing', { role: t.t(ROLE_NAMES[l.role]), spec: l.spec, lookedFor: lookedFor(l, t) })));
      } else if (l.dataProblem) {
        const { line, reason } = l.dataProblem;
        out.push(finding(this, m, ctx, at, t.t('man003.data', { spec: l.spec, line, reason })));
      }
      // An unpack (and a retrieve into this folder) writes the file under the name the manifest
      // gives it, and refuses a name that not every file system takes: the project could never
      // take back what it built.
      if (l.role !== 'include' && !l.outside) {
        const bad = unportablePart(l.file);
        if (bad) out.push(finding(this, m, ctx, at, t.t('man003.unportable', { role: t.t(ROLE_NAMES[l.role]), spec: l.spec, why: unportableWhy(bad, t) })));
        // A script's or template's entry keeps the file's extension, and the unpack writes it back
        // only with one it writes at all (`extensionProblem`): the one decision for both.
        const ext = !bad && l.role !== 'data' ? extensionProblem(path.posix.extname(l.file)) : undefined;
        if (ext) {
          const why = t.t(ext.why === 'runs' ? 'man003.ext.runs' : 'man003.ext.unusual', { ext: ext.ext });
          out.push(finding(this, m, ctx, at, t.t('man003.extension', { role: t.t(ROLE_NAMES[l.role]), spec: l.spec, why })));
        }
        const twin = ctx.project.linkCaseTwins().get(l);
        if (twin) {
          out.push(finding(this, m, ctx, at, t.t('man003.caseTwin', {
            role: t.t(ROLE_NAMES[l.role]), spec: l.spec, file: l.file, firstFile: twin.first.file, by: twin.by === m ? t.t('man003.by.this') : twin.by.file,
          })));
        }
      }
      // `data` is keyed by the code of an app of the manifest's namespace: records for any other
      // key would be built into a package that declares no such app.
      const app = l.role === 'data' ? l.path[1] : undefined;
      if (typeof app === 'string' && m.namespace !== undefined && ctx.project.index.find(m.namespace, 'app', app).length === 0) {
        out.push(finding(this, m, ctx, { path: l.path, part: 'key' }, t.t('man003.dataApp', { app, namespace: m.namespace })));
      }
    }
    return out;
  },
};

/** How a message names each kind of linked path. */
const ROLE_NAMES: Record<LinkedFile['role'], MessageKey> = {
  include: 'man003.role.include', script: 'man003.role.script', template: 'man003.role.template', data: 'man003.role.data',
};

/** Why a name is not portable, in the message's language. */
function unportableWhy(p: SegmentProblem, t: Translator): string {
  return p.why === 'long' ? t.t('man003.name.long', { max: p.max ?? 0 }) : t.t(`man003.name.${p.why}`, { segment: p.segment });
}

/** Where the path was looked for, when that differs from what the manifest says. */
function lookedFor(l: LinkedFile, t: Translator): string {
  return l.file === l.spec ? '' : t.t('man003.lookedFor', { file: l.file });
}

/** Why a path leads outside the project (the words of `outsideText`, in the message's language). */
function outsideWhy(o: OutsidePath, t: Translator): string {
  return o.reason === 'absolute' ? t.t('man003.why.absolute')
    : t.t(o.reason === 'escapes' ? 'man003.why.escapes' : 'man003.why.symlink', { target: o.target });
}

/** "an app", "a configuration" (Russian has no articles). */
function aKind(kind: string, t: Translator): string {
  return t.locale === 'en' ? `${kind === 'app' ? 'an' : 'a'} ${kind}` : t.noun(kind);
}
