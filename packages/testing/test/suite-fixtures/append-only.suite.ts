import { describeSourceAcceptance } from '../../src/index.js';
import { ledger, ledgerSource } from './ledger-source.js';

// A mutate that only appends, for a source that can change records: the check fails.
describeSourceAcceptance({
  name: 'append-only',
  connector: ledgerSource,
  config: { ledger: 'append-only' },
  invalidConfig: { config: { ledger: 5 }, fields: ['config.ledger'] },
  failingConfigs: [],
  lacks: { credentials: 'in memory', network: 'in memory' },
  mutate: {
    async changeSource() {
      ledger('append-only').push({ id: 4, amount: '1.00', updated_at: 2 });
      return { entries: [{ id: 4, amount: '1.00', updated_at: 2 }] };
    },
  },
});
