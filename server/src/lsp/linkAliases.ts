/**
 * Open documents that are symbolic links to a manifest the project holds under its own path,
 * and that manifest. `isola check` reads such a link's file once (see `withoutLinkTwins`); the
 * server does the same for a link opened in the editor: rather than a second manifest beside
 * the real one (every code in it declared twice, MAN001), the link's text is that manifest's text
 * while it is open, and the manifest's diagnostics are published under the link's URI as well.
 * Mapping the link onto the one manifest keeps the model exactly the one `isola check` builds.
 */
export class LinkAliases {
  private readonly targets = new Map<string, string>();

  /** Records that the open document at `link` is the manifest at `target`. */
  set(link: string, target: string): void {
    this.targets.set(link, target);
  }

  /** Forgets an alias (its document closed); true when it was one. */
  delete(link: string): boolean {
    return this.targets.delete(link);
  }

  /** The manifest an open link stands for, or undefined when the path is no such link. */
  targetOf(link: string): string | undefined {
    return this.targets.get(link);
  }

  /** The open links that stand for a manifest (usually none). */
  linksTo(target: string): string[] {
    if (this.targets.size === 0) return [];
    return [...this.targets].filter(([, t]) => t === target).map(([link]) => link);
  }
}
