/** The runner's own tables in the SQLite file it is given (the event store's file is fine). */
export const PROJECTION_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS projection_generations (
  name       TEXT    NOT NULL,
  generation INTEGER NOT NULL,
  version    INTEGER NOT NULL,
  position   INTEGER NOT NULL,
  status     TEXT    NOT NULL,
  error      TEXT,
  active     INTEGER NOT NULL,
  log_from   INTEGER,
  PRIMARY KEY (name, generation)
);
CREATE TABLE IF NOT EXISTS projection_docs (
  name       TEXT    NOT NULL,
  generation INTEGER NOT NULL,
  collection TEXT    NOT NULL,
  id         TEXT    NOT NULL,
  doc        TEXT    NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS projection_docs_key ON projection_docs (name, generation, collection, id);
CREATE TABLE IF NOT EXISTS projection_changes (
  name       TEXT    NOT NULL,
  generation INTEGER NOT NULL,
  position   INTEGER NOT NULL,
  changes    TEXT    NOT NULL,
  PRIMARY KEY (name, generation, position)
) WITHOUT ROWID;
`;

export interface GenerationRow {
  name: string;
  generation: number;
  version: number;
  position: number;
  status: string;
  error: string | null;
  active: number;
  log_from: number | null;
}
