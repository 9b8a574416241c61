// Deterministic inputs for the benchmarks: the same seed always gives the same bytes, so a
// cached file can be reused and two machines measure the same thing.
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STATUSES = ['pending', 'paid', 'fulfilled', 'refunded', 'cancelled'];
const CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF'];
const DOMAINS = ['example.com', 'example.org', 'example.net'];
const BASE_MS = Date.UTC(2023, 0, 1);

function isoSeconds(ms) {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** The orders CSV: id, customer_id, email, status, total_price, currency, created_at, updated_at. */
export async function ordersCsv(path, rows, seed = 20261203) {
  if (existsSync(path) && statSync(path).size > 0) return path;
  mkdirSync(dirname(path), { recursive: true });
  const random = mulberry32(seed);
  const tmp = `${path}.tmp`;
  const out = createWriteStream(tmp);
  const write = (chunk) =>
    out.write(chunk) ? Promise.resolve() : new Promise((r) => out.once('drain', r));
  await write('id,customer_id,email,status,total_price,currency,created_at,updated_at\n');
  let chunk = '';
  for (let id = 1; id <= rows; id++) {
    const customer = 1 + Math.floor(random() * 200_000);
    const email = `c${customer}@${DOMAINS[Math.floor(random() * DOMAINS.length)]}`;
    const status = STATUSES[Math.floor(random() * STATUSES.length)];
    const cents = Math.floor(random() * 5_000_000);
    const price = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
    const currency = CURRENCIES[Math.floor(random() * CURRENCIES.length)];
    const created = BASE_MS + Math.floor(random() * 365 * 86_400_000);
    const updated = created + Math.floor(random() * 30 * 86_400_000);
    const createdAt = isoSeconds(created);
    const updatedAt = isoSeconds(updated);
    chunk += `${id},${customer},${email},${status},${price},${currency},${createdAt},${updatedAt}\n`;
    if (chunk.length > 1 << 20) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  await new Promise((resolve, reject) => out.end((err) => (err ? reject(err) : resolve())));
  renameSync(tmp, path);
  return path;
}
