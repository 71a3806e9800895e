import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';

/** A thumbs up or down on an answer, with an optional comment. */
export interface FeedbackInput {
  owner: string;
  threadId: string | null;
  rating: 'up' | 'down';
  question: string;
  answer: string | null;
  comment: string | null;
}

export interface FeedbackEntry extends Omit<FeedbackInput, 'owner'> {
  id: number;
  createdAt: string;
}

/** The newest entries kept; older ones are deleted as new ones arrive. */
const MAX_ENTRIES = 10_000;

/**
 * Feedback from the web app's thumbs, in SQLite beside the conversations
 * (`feedback.sqlite` in the folder of LANDUSE_THREADS_DB_PATH; in memory when that is `:memory:`).
 * Opened on first use, so a server nobody rates never creates the file.
 */
export class FeedbackStore {
  private db: Database.Database | null = null;

  constructor(private readonly path: string) {}

  static beside(threadsDbPath: string): FeedbackStore {
    return new FeedbackStore(
      threadsDbPath === ':memory:' ? ':memory:' : join(dirname(threadsDbPath), 'feedback.sqlite'),
    );
  }

  private open(): Database.Database {
    if (this.db) return this.db;
    if (this.path !== ':memory:') mkdirSync(dirname(this.path), { recursive: true });
    const db = new Database(this.path);
    db.pragma('journal_mode = WAL');
    db.exec(`CREATE TABLE IF NOT EXISTS feedback (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      created_at TEXT NOT NULL,
      owner TEXT NOT NULL,
      thread_id TEXT,
      rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
      question TEXT NOT NULL,
      answer TEXT,
      comment TEXT
    )`);
    this.db = db;
    return db;
  }

  add(input: FeedbackInput, now = new Date()): FeedbackEntry {
    const db = this.open();
    const createdAt = now.toISOString();
    const insert = db.transaction(() => {
      const r = db
        .prepare(
          'INSERT INTO feedback (created_at, owner, thread_id, rating, question, answer, comment) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          createdAt,
          input.owner,
          input.threadId,
          input.rating,
          input.question,
          input.answer,
          input.comment,
        );
      const id = Number(r.lastInsertRowid);
      db.prepare('DELETE FROM feedback WHERE id <= ?').run(id - MAX_ENTRIES);
      return id;
    });
    return {
      id: insert(),
      createdAt,
      threadId: input.threadId,
      rating: input.rating,
      question: input.question,
      answer: input.answer,
      comment: input.comment,
    };
  }

  /** The newest first, with how many there are in all and of each rating. */
  list(limit: number): { entries: FeedbackEntry[]; up: number; down: number } {
    const db = this.open();
    const rows = db
      .prepare(
        'SELECT id, created_at, thread_id, rating, question, answer, comment FROM feedback ORDER BY id DESC LIMIT ?',
      )
      .all(limit) as {
      id: number;
      created_at: string;
      thread_id: string | null;
      rating: 'up' | 'down';
      question: string;
      answer: string | null;
      comment: string | null;
    }[];
    const counts = db
      .prepare(
        "SELECT count(*) FILTER (WHERE rating = 'up') AS up, count(*) FILTER (WHERE rating = 'down') AS down FROM feedback",
      )
      .get() as { up: number; down: number };
    return {
      entries: rows.map((r) => ({
        id: r.id,
        createdAt: r.created_at,
        threadId: r.thread_id,
        rating: r.rating,
        question: r.question,
        answer: r.answer,
        comment: r.comment,
      })),
      up: counts.up,
      down: counts.down,
    };
  }

  close(): void {
    this.db?.close();
    this.db = null;
  }
}
