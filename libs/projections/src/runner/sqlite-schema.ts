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

/** The statements of a flush, shared by the runner's connection and the catch-up writer thread's. */
export const UPSERT_DOC_SQL =
  'INSERT INTO projection_docs (name, generation, collection, id, doc) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name, generation, collection, id) DO UPDATE SET doc = excluded.doc';
export const DELETE_DOC_SQL = 'DELETE FROM projection_docs WHERE name = ? AND generation = ? AND collection = ? AND id = ?';
export const UPDATE_GENERATION_SQL =
  'UPDATE projection_generations SET position = ?, status = ?, error = ?, active = ?, log_from = ? WHERE name = ? AND generation = ?';
export const INSERT_CHANGE_SQL = 'INSERT OR REPLACE INTO projection_changes (name, generation, position, changes) VALUES (?, ?, ?, ?)';
export const PRUNE_CHANGES_SQL = 'DELETE FROM projection_changes WHERE name = ? AND generation = ? AND position <= ?';
