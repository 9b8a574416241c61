import { describeSourceAcceptance } from '../../src/index.js';
import { ledgerSource } from './ledger-source.js';

// A check that takes 3 s to refuse a password, against a 1 s bound.
describeSourceAcceptance({
  name: 'slow-check',
  connector: ledgerSource,
  config: { ledger: 'slow-check', full_refresh_only: true },
  invalidConfig: { config: { ledger: 5 }, fields: ['config.ledger'] },
  failingConfigs: [
    { name: 'a slow refusal', config: { ledger: 'x', fail: 'slow' }, kind: 'credentials' },
  ],
  lacks: { network: 'in memory', incremental: 'offered for full refresh only here' },
  checkWithinMs: 1000,
});
