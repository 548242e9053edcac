import Database from 'better-sqlite3'

/** Whose data: the token's organization (`tenant`, '' when the AS has none) and subject. */
export interface Owner {
  organization: string
  subject: string
}

export interface Note {
  id: number
  title: string
  body: string
  createdAt: string
}

/** Notes in one SQLite file; every query is scoped to one owner, so users never see each other's notes. */
export interface NotesStore {
  list(owner: Owner): Note[]
  read(owner: Owner, id: number): Note | undefined
  create(owner: Owner, note: { title: string; body: string }, now: Date): Note
  /** True when the owner had that note. */
  delete(owner: Owner, id: number): boolean
  close(): void
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS notes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  organization TEXT NOT NULL,
  subject TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS notes_owner ON notes (organization, subject, id);
`

interface Row {
  id: number
  title: string
  body: string
  created_at: string
}

const toNote = (row: Row): Note => ({ id: row.id, title: row.title, body: row.body, createdAt: row.created_at })

/** Opens (creating if needed) the notes database at `file`; WAL so a restart finds every committed note. */
export function openNotesStore(file: string): NotesStore {
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.exec(SCHEMA)
  const list = db.prepare<[string, string], Row>(
    'SELECT id, title, body, created_at FROM notes WHERE organization = ? AND subject = ? ORDER BY id',
  )
  const read = db.prepare<[string, string, number], Row>(
    'SELECT id, title, body, created_at FROM notes WHERE organization = ? AND subject = ? AND id = ?',
  )
  const insert = db.prepare<[string, string, string, string, string], Row>(
    'INSERT INTO notes (organization, subject, title, body, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id, title, body, created_at',
  )
  const remove = db.prepare<[string, string, number]>(
    'DELETE FROM notes WHERE organization = ? AND subject = ? AND id = ?',
  )
  return {
    list: (o) => list.all(o.organization, o.subject).map(toNote),
    read: (o, id) => {
      const row = read.get(o.organization, o.subject, id)
      return row === undefined ? undefined : toNote(row)
    },
    create: (o, note, now) => toNote(insert.get(o.organization, o.subject, note.title, note.body, now.toISOString())!),
    delete: (o, id) => remove.run(o.organization, o.subject, id).changes === 1,
    close: () => db.close(),
  }
}
