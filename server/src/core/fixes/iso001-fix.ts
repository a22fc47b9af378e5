import type { ScriptDecl } from '../manifest/types';
import { addEdits, editBetween, FixProvider, manifestByFile, withJsonValue } from './fix';
import { LineIndex } from '../json/positions';
import type { FileEdits } from '../language/navigation';

/**
 * `Global.ns.<namespace>.app.<app>`: how a global script reaches an app; also as the global
 * object's property (`globalThis.Global.ns…`), which the rewrite replaces whole. Not a property
 * of another object (`x.Global.ns…`), nor part of a longer name (`myGlobal.ns…`).
 */
const APP_ACCESS = /(?<![\w$])(?<!\.\s*)(?:(?:globalThis|window|self|global)\s*\??\.\s*)?Global\s*\.\s*ns\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)\s*\.\s*app\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)/g;

/**
 * ISO001: turn the Global flag off and, where the script reaches exactly one app through
 * `Global`, add an App-type context variable for it and rewrite the script to use
 * `Context.fields.<variable>.app` (the isolated way the ELMA365 article describes).
 */
export const fixIso001: FixProvider = (project, d, t) => {
  const owner = manifestByFile(project, String(d.data?.manifest ?? d.file));
  const script = owner?.scripts.find((s) => s.entity.id === d.data?.script);
  if (!owner || !script) return [];
  const source = script.file?.text ?? script.source ?? '';
  const apps = new Map<string, [string, string]>();
  for (const m of source.matchAll(APP_ACCESS)) apps.set(`${m[1]}.${m[2]}`, [m[1], m[2]]);

  const edits: FileEdits = new Map();
  // Each step is applied to the text the one before left, and the manifest gets one edit: on a
  // compact line, the formatting of one step covers what another changes, and edits of one fix
  // must not overlap (editors refuse them, or apply them into a broken file).
  let text = owner.text;
  if (script.global) text = withJsonValue(text, [...script.entity.path, 'global'], false);
  // A script file other scripts run too is theirs as well: rewritten for this script's context
  // variable, it would reach a variable theirs lack. Only the flag goes then.
  const shared = script.file !== undefined && project.manifests.some((m) => m.scripts.some((s) => s !== script && s.file?.absPath === script.file!.absPath));
  if (apps.size !== 1 || shared) {
    if (!script.global) return [];
    addEdits(edits, owner.file, editBetween(owner.text, text));
    return [{ title: t.t('fix.iso001.flagOff', { code: script.entity.code }), edits }];
  }
  const [[ref, [, app]]] = [...apps];
  const holder = script.entity.parent!;
  const context = Array.isArray(holder.body.context) ? (holder.body.context as { code?: string; app?: string }[]) : [];
  const existing = context.find((c) => c?.app === ref);
  const variable = existing?.code ?? uniqueCode(app.replace(/^_+/, ''), context.map((c) => String(c?.code)));
  if (!existing) {
    text = withJsonValue(text, [...holder.path, 'context', -1], { code: variable, type: 'app', app: ref });
  }
  const fileEdits: FileEdits = new Map();
  text = rewriteSource(script, text, variable, fileEdits);
  if (text !== owner.text) addEdits(edits, owner.file, editBetween(owner.text, text));
  for (const [file, list] of fileEdits) addEdits(edits, file, list);
  const title = t.t(script.global ? 'fix.iso001.flagOffAndVariable' : 'fix.iso001.variable', { variable, app: ref });
  return [{ title, isPreferred: true, edits }];
};

function uniqueCode(base: string, taken: string[]): string {
  let code = base || 'app';
  for (let i = 2; taken.includes(code); i++) code = `${base}_${i}`;
  return code;
}

/** Rewrites the script to use the variable: edits of its file, or the manifest text with its `source` rewritten. */
function rewriteSource(script: ScriptDecl, manifestText: string, variable: string, edits: FileEdits): string {
  const replacement = `Context.fields.${variable}.app`;
  if (script.file?.text !== undefined) {
    const text = script.file.text;
    const lines = new LineIndex(text);
    const fileEdits = [...text.matchAll(APP_ACCESS)].map((m) => ({ range: lines.rangeOf(m.index!, m[0].length), newText: replacement }));
    addEdits(edits, script.file.file, fileEdits);
  } else if (script.source !== undefined) {
    return withJsonValue(manifestText, [...script.entity.path, 'source'], script.source.replace(APP_ACCESS, replacement));
  }
  return manifestText;
}

