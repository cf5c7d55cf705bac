/**
 * The study database (Optuna's RDB storage, reduced): studies, trials and their intermediate
 * values in three tables, reached through SQL that SQLite and PostgreSQL both run. Every method
 * is one transaction, so several workers (processes or machines) can share one study.
 */
import { hostname } from 'node:os';

export type TrialState = 'RUNNING' | 'COMPLETE' | 'PRUNED' | 'FAIL';

export interface Trial {
  id: number;
  number: number;
  state: TrialState;
  params: Record<string, number | string> | null;
  value: number | null;
  worker: string;
  /** Intermediate values by step (epoch). */
  intermediate: Map<number, number>;
}

/** What a dialect provides: one transaction with parameterized queries ($1, $2, … in order). */
export interface SqlBackend {
  readonly dialect: 'sqlite' | 'postgresql';
  transaction<T>(fn: (q: (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const schema = (pg: boolean) => [
  `CREATE TABLE IF NOT EXISTS studies (id ${pg ? 'SERIAL' : 'INTEGER'} PRIMARY KEY, name TEXT UNIQUE NOT NULL, direction TEXT NOT NULL, config TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS trials (id ${pg ? 'SERIAL' : 'INTEGER'} PRIMARY KEY, study_id INTEGER NOT NULL REFERENCES studies(id), number INTEGER NOT NULL,
     state TEXT NOT NULL, params TEXT, value DOUBLE PRECISION, worker TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT, UNIQUE (study_id, number))`,
  `CREATE TABLE IF NOT EXISTS trial_values (trial_id INTEGER NOT NULL REFERENCES trials(id), step INTEGER NOT NULL, value DOUBLE PRECISION NOT NULL, PRIMARY KEY (trial_id, step))`,
];

/** This process, as recorded on the trials it runs: `host:pid`. */
export const WORKER_ID = `${hostname()}:${process.pid}`;

function alive(worker: string): boolean {
  const [host, pid] = worker.split(':');
  if (host !== hostname()) return true; // another machine: trust it
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class StudyStorage {
  private constructor(private readonly db: SqlBackend, readonly studyId: number, readonly name: string) {}

  /**
   * Opens (or creates) study `name`. An existing study must have been created with the same
   * search configuration, so resumed or extra workers sample the same space.
   */
  static async open(db: SqlBackend, name: string, config: object): Promise<StudyStorage> {
    const id = await db.transaction(async (q) => {
      // Two workers starting together must not both create the tables or the study.
      if (db.dialect === 'postgresql') await q('SELECT pg_advisory_xact_lock(727161)');
      for (const s of schema(db.dialect === 'postgresql')) await q(s);
      const found = await q('SELECT id, config FROM studies WHERE name = $1', [name]);
      if (found.length) {
        if (found[0].config !== JSON.stringify(config)) {
          throw new Error(`study '${name}' exists with a different configuration: ${found[0].config} (this run: ${JSON.stringify(config)}); use another --study name`);
        }
        return Number(found[0].id);
      }
      const rows = await q('INSERT INTO studies (name, direction, config) VALUES ($1, $2, $3) RETURNING id', [name, 'maximize', JSON.stringify(config)]);
      return Number(rows[0].id);
    });
    return new StudyStorage(db, id, name);
  }

  /**
   * Reserves the next trial number if fewer than `nTrials` trials are running or finished (a trial
   * of a dead worker on this host is marked FAIL first, so its number is run again by a new trial).
   */
  async reserveTrial(nTrials: number): Promise<{ id: number; number: number } | null> {
    return this.db.transaction(async (q) => {
      if (this.db.dialect === 'postgresql') await q('SELECT id FROM studies WHERE id = $1 FOR UPDATE', [this.studyId]);
      const running = await q("SELECT id, worker FROM trials WHERE study_id = $1 AND state = 'RUNNING'", [this.studyId]);
      for (const r of running) if (!alive(String(r.worker))) await q("UPDATE trials SET state = 'FAIL', finished_at = $1 WHERE id = $2", [new Date().toISOString(), r.id]);
      const [{ n }] = await q("SELECT COUNT(*) AS n FROM trials WHERE study_id = $1 AND state <> 'FAIL'", [this.studyId]);
      if (Number(n) >= nTrials) return null;
      const [{ next }] = await q('SELECT COALESCE(MAX(number) + 1, 0) AS next FROM trials WHERE study_id = $1', [this.studyId]);
      const rows = await q("INSERT INTO trials (study_id, number, state, worker, started_at) VALUES ($1, $2, 'RUNNING', $3, $4) RETURNING id", [this.studyId, Number(next), WORKER_ID, new Date().toISOString()]);
      return { id: Number(rows[0].id), number: Number(next) };
    });
  }

  async setParams(trialId: number, params: object): Promise<void> {
    await this.db.transaction((q) => q('UPDATE trials SET params = $1 WHERE id = $2', [JSON.stringify(params), trialId]));
  }

  async report(trialId: number, step: number, value: number): Promise<void> {
    await this.db.transaction((q) => q('INSERT INTO trial_values (trial_id, step, value) VALUES ($1, $2, $3)', [trialId, step, value]));
  }

  async finish(trialId: number, state: Exclude<TrialState, 'RUNNING'>, value: number | null): Promise<void> {
    await this.db.transaction((q) => q('UPDATE trials SET state = $1, value = $2, finished_at = $3 WHERE id = $4', [state, value, new Date().toISOString(), trialId]));
  }

  async trials(): Promise<Trial[]> {
    return this.db.transaction(async (q) => {
      const rows = await q('SELECT id, number, state, params, value, worker FROM trials WHERE study_id = $1 ORDER BY number', [this.studyId]);
      const values = await q('SELECT v.trial_id, v.step, v.value FROM trial_values v JOIN trials t ON t.id = v.trial_id WHERE t.study_id = $1 ORDER BY v.step', [this.studyId]);
      const byTrial = new Map<number, Map<number, number>>();
      for (const v of values) {
        const id = Number(v.trial_id);
        if (!byTrial.has(id)) byTrial.set(id, new Map());
        byTrial.get(id)!.set(Number(v.step), Number(v.value));
      }
      return rows.map((r) => ({
        id: Number(r.id), number: Number(r.number), state: r.state as TrialState,
        params: r.params ? JSON.parse(String(r.params)) : null, value: r.value === null ? null : Number(r.value),
        worker: String(r.worker), intermediate: byTrial.get(Number(r.id)) ?? new Map(),
      }));
    });
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
