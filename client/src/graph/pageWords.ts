import { english, Localize } from '../localize';

/**
 * The graph page's words in the display language. The webview has no `vscode.l10n`, so the panel
 * writes them into the page (a data attribute of its body) and the page fills the `{0}` slots.
 * Counts are said as "nodes: 5" in Russian (no plural rules in vscode.l10n), hence one template each.
 */
export interface PageWords {
  /** `{0}` kind, `{1}` code, `{2}` nodes, `{3}` edges, `{4}` edges breaking isolation. */
  caption: string;
  collapsedOne: string;
  /** `{0}` namespaces drawn as one node each. */
  collapsedMany: string;
  hiddenBuiltinOne: string;
  /** `{0}` built-in entities left out. */
  hiddenBuiltinMany: string;
  /** `{0}` namespace, `{1}` its entities. */
  groupInside: string;
  groupOutside: string;
  help: string;
  helpCollapsed: string;
  nothingBreaks: string;
  nothingReferenced: string;
}

/** The page's words, through `l10n` (vscode.l10n.t in the extension; English in plain Node). */
export function pageWords(l10n: Localize = english): PageWords {
  // The slots go through as themselves: the page fills them, in the order the translation put them.
  const slots = ['{0}', '{1}', '{2}', '{3}', '{4}'];
  return {
    caption: l10n('{0} {1}: {2} nodes, {3} edges, {4} breaking isolation', ...slots),
    collapsedOne: l10n('1 namespace collapsed'),
    collapsedMany: l10n('{0} namespaces collapsed', ...slots),
    hiddenBuiltinOne: l10n('1 built-in entity hidden'),
    hiddenBuiltinMany: l10n('{0} built-in entities hidden', ...slots),
    groupInside: l10n('{0}: {1} entities of the package, drawn as one node.\nClick (or Enter) to draw them one by one.', ...slots),
    groupOutside: l10n('{0}: {1} entities outside the package, drawn as one node.\nClick (or Enter) to draw them one by one.', ...slots),
    help: l10n('Click a node to go to its declaration, an edge to go to its reference (Tab and Enter work too).'),
    helpCollapsed: l10n(' A collapsed namespace opens up when clicked.'),
    nothingBreaks: l10n('Nothing breaks isolation.'),
    nothingReferenced: l10n('The package references nothing.'),
  };
}

/** Fills `{0}`, `{1}`… of a page word (the page's own copy of what vscode.l10n.t does). */
export function fill(template: string, ...args: Array<string | number>): string {
  return template.replace(/\{(\d+)\}/g, (all, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : all));
}
