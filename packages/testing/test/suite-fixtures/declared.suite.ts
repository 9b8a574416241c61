import { describeSourceAcceptance } from '../../src/index.js';
import { ledgerSource } from './ledger-source.js';

// A full-refresh source without credentials or a host, saying so: it passes, the checks
// that do not apply skipped.
describeSourceAcceptance({
  name: 'declared',
  connector: ledgerSource,
  config: { ledger: 'declared', full_refresh_only: true },
  invalidConfig: { config: { ledger: 5 }, fields: ['config.ledger'] },
  failingConfigs: [],
  lacks: { credentials: 'in memory', network: 'in memory', incremental: 'full refresh only' },
});
