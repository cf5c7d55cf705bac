/** PostgreSQL storage through `pg`: each transaction on one pooled connection, BEGIN … COMMIT. */
import pg from 'pg';
import type { SqlBackend } from './storage.js';

export function postgresBackend(url: string): SqlBackend {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  return {
    dialect: 'postgresql',
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(async (sql, params = []) => (await client.query(sql, params)).rows);
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
