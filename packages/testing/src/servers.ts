/**
 * Where connector tests find the machine's database servers. The variables the clients
 * themselves read (libpq's PG*, and MYSQL_* for MariaDB/MySQL) override the defaults, so a
 * user on another machine points every package's tests at their servers the same way.
 */

/** PostgreSQL: PGHOST, PGPORT, PGUSER, PGPASSWORD; else 127.0.0.1:5432 and the trust users. */
export function postgresTestServer(env: NodeJS.ProcessEnv = process.env) {
  return {
    host: env.PGHOST || '127.0.0.1',
    port: Number(env.PGPORT || 5432),
    /** PGUSER alone when set, else the machine's usual trust users in turn. */
    users: env.PGUSER ? [env.PGUSER] : ['postgres', 'root'],
    password: env.PGPASSWORD || undefined,
  };
}

/** MariaDB/MySQL: MYSQL_HOST, MYSQL_PORT, MYSQL_USER, MYSQL_PASSWORD; else root@127.0.0.1:3306. */
export function mysqlTestServer(env: NodeJS.ProcessEnv = process.env) {
  return {
    host: env.MYSQL_HOST || '127.0.0.1',
    port: Number(env.MYSQL_PORT || 3306),
    user: env.MYSQL_USER || 'root',
    password: env.MYSQL_PASSWORD ?? '',
  };
}
