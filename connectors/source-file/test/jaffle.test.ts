import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { records, sync } from './helpers.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

describe('jaffle_shop seeds', () => {
  const config = {
    streams: [
      { name: 'customers', path: fixture('raw_customers.csv'), primary_key: ['id'] },
      { name: 'orders', path: fixture('raw_orders.csv'), primary_key: ['id'] },
      { name: 'payments', path: fixture('raw_payments.csv'), primary_key: ['id'] },
    ],
  };
  it('reads 100 customers, 99 orders, 113 payments with typed values', async () => {
    const { catalog, messages } = await sync(config);
    const of = (name: string) =>
      messages.flatMap((m) =>
        m.type === 'RECORD' && m.record.stream === name ? [m.record.data] : [],
      );
    expect(of('customers')).toHaveLength(100);
    expect(of('orders')).toHaveLength(99);
    expect(of('payments')).toHaveLength(113);
    expect(records(messages)).toHaveLength(312);

    const sum = of('payments').reduce((total, p) => total + (p.amount as number), 0);
    expect(sum).toBe(167200);
    expect(of('orders')[0]).toEqual({
      id: 1,
      user_id: 1,
      order_date: '2018-01-01',
      status: 'returned',
    });
    expect(of('customers')[0]).toEqual({ id: 1, first_name: 'Michael', last_name: 'P.' });

    const orders = catalog.streams.find((s) => s.name === 'orders')!;
    expect(orders.json_schema.properties).toEqual({
      id: { type: ['integer', 'null'] },
      user_id: { type: ['integer', 'null'] },
      order_date: { type: ['string', 'null'], format: 'date' },
      status: { type: ['string', 'null'] },
    });
    expect(orders.supported_sync_modes).toEqual(['full_refresh', 'incremental']);
    expect(orders.source_defined_primary_key).toEqual([['id']]);
  });
});
