import { csvMysqlAppend } from './csv-mysql.mjs';
import { csvPostgresAppend, csvPostgresDedup } from './csv-postgres.mjs';
import { csvSqlite10m, csvSqliteAppend, csvSqliteDedup } from './csv-sqlite.mjs';
import { csvSqliteSubprocess } from './csv-sqlite-subprocess.mjs';
import { postgresRental } from './postgres-rental.mjs';

/** Every case, in the order `pnpm bench` runs them. */
export const cases = [
  csvSqliteAppend,
  csvSqliteDedup,
  csvSqlite10m,
  csvSqliteSubprocess,
  csvPostgresAppend,
  csvPostgresDedup,
  csvMysqlAppend,
  postgresRental,
];
