import { findGlobalUses, type GlobalUse } from '../manifest/scriptScan';
import type { Via } from '../manifest/scriptReach';
import { Finding, finding, Rule } from './rule';
import { capital, entityLabel, packageLabel } from './words';

/**
 * ISO001: the Global flag, or a use of the `Global` object in a script's source (by name, as the
 * global object's property, or through what may reach it: see `findGlobalUses`), blocks export
 * outside a configuration.
 */
export const iso001: Rule = {
  code: 'ISO001',
  severity: 'error',
  title: 'Global script',
  description: 'A script with the Global flag, or one whose source uses the `Global` object (`Global.`, `Global[...]`, an alias of it, `globalThis.Global`, `window["Global"]`) or may reach it unseen (the global object handed on or read by a computed name, `eval`, `Function`, a function\'s `.constructor`, `setTimeout("…")`, a module loaded from a URL or data or by a name built at run time, Node\'s `vm`), reaches objects outside the package; the platform refuses to export it.',
  check(m, ctx) {
    const pkg = ctx.pkg;
    if (!pkg || pkg.kind === 'configuration') return [];
    const out: Finding[] = [];
    const { t } = ctx;
    // The words are made for the first finding only: most scripts have none, and making them for
    // every script was most of this rule's time on many small manifests.
    let words: { way: string; pkgGen: string } | undefined;
    type Key = 'iso001.flag' | 'iso001.source' | 'iso001.file' | 'iso001.indirect' | 'iso001.fileIndirect';
    const say = (key: Key, s: (typeof m.scripts)[number], extra?: { manifest?: string; what?: string; how?: string }) => {
      words ??= { way: t.t('iso001.way'), pkgGen: packageLabel(pkg, t, 'gen') };
      return t.t(key, { who: capital(entityLabel(s.entity, t)), ...words, ...extra });
    };
    for (const s of m.scripts) {
      if (s.global) {
        out.push(finding(this, m, ctx, { path: [...s.entity.path, 'global'] }, say('iso001.flag', s), { script: s.entity.id }));
      }
      if (s.source !== undefined) {
        for (const use of findGlobalUses(s.source)) {
          const message = use.indirect ? say('iso001.indirect', s, { what: textOf(s.source, use), how: t.t(VIA[use.via ?? 'object']) }) : say('iso001.source', s);
          out.push(finding(this, m, ctx, { path: [...s.entity.path, 'source'], inString: use }, message, { script: s.entity.id }));
        }
      }
      if (s.file?.text !== undefined) {
        for (const use of findGlobalUses(s.file.text)) {
          const message = use.indirect
            ? say('iso001.fileIndirect', s, { manifest: m.file, what: textOf(s.file.text, use), how: t.t(VIA[use.via ?? 'object']) })
            : say('iso001.file', s, { manifest: m.file });
          out.push(finding(this, m, ctx, { offset: use.index, length: use.length }, message,
            { script: s.entity.id, manifest: m.file }, s.file.file));
        }
      }
    }
    return out;
  },
};

/** What a finding says an indirect use goes through. */
const VIA = {
  object: 'iso001.via.object', code: 'iso001.via.code', constructor: 'iso001.via.constructor', module: 'iso001.via.module',
} as const satisfies Record<Via, string>;

/** The text of a use, as the script writes it (`globalThis`, `eval`). */
function textOf(src: string, use: GlobalUse): string {
  return src.slice(use.index, use.index + use.length);
}
