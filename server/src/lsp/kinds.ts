import { CompletionItemKind, SymbolKind } from 'vscode-languageserver';
import type { EntityKind } from '../core/manifest/types';

/** How each entity kind shows in outlines and symbol search. */
export const SYMBOL_KIND: Record<EntityKind, SymbolKind> = {
  app: SymbolKind.Class, field: SymbolKind.Field, button: SymbolKind.Event, status: SymbolKind.EnumMember,
  form: SymbolKind.Interface, permission: SymbolKind.Key, process: SymbolKind.Function, page: SymbolKind.File,
  widget: SymbolKind.Object, group: SymbolKind.Namespace, counter: SymbolKind.Number, template: SymbolKind.File,
  activity: SymbolKind.Method, apiMethod: SymbolKind.Method, setting: SymbolKind.Property, event: SymbolKind.Event,
  orgUnit: SymbolKind.Struct, script: SymbolKind.Function,
};

/** How each entity kind shows in completion lists. */
export const COMPLETION_KIND: Record<EntityKind, CompletionItemKind> = {
  app: CompletionItemKind.Class, field: CompletionItemKind.Field, button: CompletionItemKind.Event, status: CompletionItemKind.EnumMember,
  form: CompletionItemKind.Interface, permission: CompletionItemKind.Value, process: CompletionItemKind.Function, page: CompletionItemKind.File,
  widget: CompletionItemKind.Module, group: CompletionItemKind.Folder, counter: CompletionItemKind.Unit, template: CompletionItemKind.File,
  activity: CompletionItemKind.Method, apiMethod: CompletionItemKind.Method, setting: CompletionItemKind.Property, event: CompletionItemKind.Event,
  orgUnit: CompletionItemKind.Struct, script: CompletionItemKind.Function,
};
