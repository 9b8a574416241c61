import { describeSourceAcceptance } from '../../src/index.js';
import { ledger, ledgerSource } from './ledger-source.js';

// Everything the suite asks for: every check passes.
describeSourceAcceptance({
  name: 'complete',
  connector: ledgerSource,
  config: { ledger: 'complete' },
  invalidConfig: { config: { ledger: 5 }, fields: ['config.ledger'] },
  failingConfigs: [
    { name: 'a refused password', config: { ledger: 'x', fail: 'refuse' }, kind: 'credentials' },
    { name: 'no host', config: { ledger: 'x', fail: 'unreachable' }, kind: 'unreachable' },
  ],
  mutate: {
    async changeSource() {
      const rows = ledger('complete');
      rows.push({ id: 4, amount: '1.00', updated_at: 2 });
      rows[0] = { id: 1, amount: '11.00', updated_at: 3 };
      return {
        entries: [
          { id: 4, amount: '1.00', updated_at: 2 },
          { id: 1, amount: '11.00', updated_at: 3 },
        ],
      };
    },
  },
});
