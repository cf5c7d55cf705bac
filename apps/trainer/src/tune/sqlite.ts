/**
 * SQLite storage on sql.js (SQLite compiled to WebAssembly, from npm: no native addon to build).
 * better-sqlite3 would need its install script (a prebuilt binary from GitHub, or node-gyp and a
 * compiler), which pnpm does not run here. sql.js keeps the database in memory, so each
 * transaction holds an exclusive lock file, reads the database file, runs, and writes the file
 * back atomically: workers in several processes see each other's trials and never interleave.
 */
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import initSqlJs, { type SqlJsStatic } from 'sql.js';
import { writeFileAtomic } from '../atomic.js';
import type { SqlBackend } from './storage.js';

let sqlJs: Promise<SqlJsStatic> | null = null;
const loadSqlJs = () => (sqlJs ??= initSqlJs({ locateFile: (f: string) => createRequire(import.meta.url).resolve(`sql.js/dist/${f}`) }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Takes `path` as a lock (O_EXCL create); a lock left by a dead process on this host is broken. */
async function lock(path: string): Promise<void> {
  const me = `${hostname()}:${process.pid}`;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, me);
      closeSync(fd);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let owner = '';
    try { owner = readFileSync(path, 'utf8'); } catch { continue; }
    const [host, pid] = owner.split(':');
    if (host === hostname() && pid && Number(pid) !== process.pid) {
      try { process.kill(Number(pid), 0); } catch (e) { if ((e as NodeJS.ErrnoException).code === 'ESRCH') { rmSync(path, { force: true }); continue; } }
    }
    if (attempt > 6000) throw new Error(`${path}: still locked by ${owner || 'another process'} after 60 s`);
    await sleep(5 + Math.random() * 10);
  }
}

export function sqliteBackend(file: string): SqlBackend {
  const lockPath = `${file}.lock`;
  return {
    dialect: 'sqlite',
    async transaction(fn) {
      const SQL = await loadSqlJs();
      await lock(lockPath);
      try {
        const db = existsSync(file) ? new SQL.Database(readFileSync(file)) : new SQL.Database();
        try {
          db.exec('BEGIN');
          let changed = false;
          const result = await fn(async (sql, params = []) => {
            const stmt = db.prepare(sql);
            try {
              stmt.bind(params as never);
              const rows: Record<string, unknown>[] = [];
              while (stmt.step()) rows.push(stmt.getAsObject());
              if (!/^\s*SELECT/i.test(sql)) changed = true;
              return rows;
            } finally {
              stmt.free();
            }
          });
          db.exec('COMMIT');
          if (changed || !existsSync(file)) writeFileAtomic(file, db.export());
          return result;
        } finally {
          db.close();
        }
      } finally {
        rmSync(lockPath, { force: true });
      }
    },
    async close() {},
  };
}
