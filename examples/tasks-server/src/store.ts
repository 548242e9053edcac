import Database from 'better-sqlite3'

/** Whose data: the token's organization (`tenant`, '' when the AS has none) and subject. */
export interface Owner {
  organization: string
  subject: string
}

export interface Task {
  id: number
  title: string
  done: boolean
  createdAt: string
  completedAt: string | null
}

/** Tasks in one SQLite file; every query is scoped to one owner. */
export interface TasksStore {
  /** Open tasks first, then done ones; each group oldest first. */
  list(owner: Owner, options?: { includeDone?: boolean }): Task[]
  add(owner: Owner, title: string, now: Date): Task
  /** The completed task, or undefined when the owner has no such task. Completing twice keeps the first time. */
  complete(owner: Owner, id: number, now: Date): Task | undefined
  close(): void
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS tasks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  organization TEXT NOT NULL,
  subject TEXT NOT NULL,
  title TEXT NOT NULL,
  created_at TEXT NOT NULL,
  completed_at TEXT
);
CREATE INDEX IF NOT EXISTS tasks_owner ON tasks (organization, subject, id);
`

interface Row {
  id: number
  title: string
  created_at: string
  completed_at: string | null
}

const COLUMNS = 'id, title, created_at, completed_at'
const toTask = (row: Row): Task => ({
  id: row.id,
  title: row.title,
  done: row.completed_at !== null,
  createdAt: row.created_at,
  completedAt: row.completed_at,
})

/** Opens (creating if needed) the tasks database at `file`. */
export function openTasksStore(file: string): TasksStore {
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.exec(SCHEMA)
  const all = db.prepare<[string, string], Row>(
    `SELECT ${COLUMNS} FROM tasks WHERE organization = ? AND subject = ? ORDER BY completed_at IS NOT NULL, id`,
  )
  const open = db.prepare<[string, string], Row>(
    `SELECT ${COLUMNS} FROM tasks WHERE organization = ? AND subject = ? AND completed_at IS NULL ORDER BY id`,
  )
  const insert = db.prepare<[string, string, string, string], Row>(
    `INSERT INTO tasks (organization, subject, title, created_at) VALUES (?, ?, ?, ?) RETURNING ${COLUMNS}`,
  )
  const complete = db.prepare<[string, string, string, number], Row>(
    `UPDATE tasks SET completed_at = COALESCE(completed_at, ?) WHERE organization = ? AND subject = ? AND id = ?
     RETURNING ${COLUMNS}`,
  )
  return {
    list: (o, options = {}) => (options.includeDone === false ? open : all).all(o.organization, o.subject).map(toTask),
    add: (o, title, now) => toTask(insert.get(o.organization, o.subject, title, now.toISOString())!),
    complete: (o, id, now) => {
      const row = complete.get(now.toISOString(), o.organization, o.subject, id)
      return row === undefined ? undefined : toTask(row)
    },
    close: () => db.close(),
  }
}
