import { csvMysqlAppend } from './csv-mysql.mjs';
import { csvSqlite10m, csvSqliteAppend, csvSqliteDedup } from './csv-sqlite.mjs';
import { csvSqliteSubprocess } from './csv-sqlite-subprocess.mjs';

/** Every case, in the order `pnpm bench` runs them. */
export const cases = [csvSqliteAppend, csvSqliteDedup, csvSqlite10m, csvSqliteSubprocess, csvMysqlAppend];
