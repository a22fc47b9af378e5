/** A row as the database returns it. */
export type Row = Record<string, unknown>;

/** Something that runs SQL: the database itself, or one transaction. */
export interface Sql {
  /** Runs one parameterised statement (`$1`, `$2`, ...) and returns its rows. */
  query<T extends Row = Row>(text: string, params?: unknown[]): Promise<T[]>;
  /** Runs statements without parameters (schema changes). */
  exec(text: string): Promise<void>;
  /**
   * Runs `COPY <target> FROM STDIN` (text format) with the lines `data` yields (each chunk whole
   * lines, each line ending in a newline): PostgreSQL's bulk path, several times faster than rows
   * sent as parameters. A chunk's error or an abandoned iteration fails the COPY, and the
   * transaction it ran in with it.
   */
  copyFrom(target: string, data: AsyncIterable<string | Buffer>): Promise<void>;
}

/**
 * The environment's storage: PostgreSQL, either embedded (PGlite, WebAssembly, so it also runs
 * inside VS Code's extension host) or a server. Both speak the same SQL, so one schema and one
 * set of queries serve both.
 */
export interface Database extends Sql {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /**
   * Whether statements outside a running transaction wait for it to finish. PGlite has one
   * connection, so a long import holds every other query; callers keep live state in memory.
   */
  readonly serialised: boolean;
  close(): Promise<void>;
}
