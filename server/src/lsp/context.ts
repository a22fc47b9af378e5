import type { Connection, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Project } from '../core/manifest/project';
import type { Manifest } from '../core/manifest/types';
import type { Translator } from '../core/l10n';
import { toPath, toUri } from './convert';
import type { IsolaWorkspace } from './workspace';

/** What every handler gets: the connection, the open documents and the workspace model. */
export interface HandlerContext {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  /** The workspace model: await `started` before the first use. */
  workspace: IsolaWorkspace;
  /** Resolves once the workspace exists and is loading (requests may come before). */
  started: Promise<void>;
  log(message: string): void;
  /** The language of messages, hovers and quick-fix titles (the client's `locale`; English before `initialize`). */
  readonly translator: Translator;
}

/** The current model of a manifest by URI, after applying pending edits. */
export async function modelOf(ctx: HandlerContext, uri: string): Promise<{ project: Project; manifest: Manifest } | undefined> {
  const abs = toPath(uri);
  if (!abs) return undefined;
  await ctx.started;
  await ctx.workspace.sync();
  return ctx.workspace.projectOf(abs);
}

/**
 * The URI that edits of a file go to: the file's own, unless it is a manifest open in the editor
 * only through a symbolic link (see `LinkAliases`), whose document then takes them (one buffer
 * holds the manifest's text, not two that drift apart).
 */
export function editUri(ctx: HandlerContext, abs: string): string {
  const own = toUri(abs);
  if (ctx.documents.get(own)) return own;
  const link = ctx.workspace.linksTo(abs)[0];
  return link !== undefined ? toUri(link) : own;
}
