import { describeSourceAcceptance } from '../../src/index.js';
import { ledgerSource } from './ledger-source.js';

// An incremental source given no mutate and no failing configs: what is missing fails.
describeSourceAcceptance({
  name: 'incomplete',
  connector: ledgerSource,
  config: { ledger: 'incomplete' },
  invalidConfig: { config: { ledger: 5 }, fields: ['config.ledger'] },
  failingConfigs: [],
});

// A source read by full refresh only, without saying that it lacks incremental streams.
describeSourceAcceptance({
  name: 'undeclared full refresh',
  connector: ledgerSource,
  config: { ledger: 'undeclared', full_refresh_only: true },
  invalidConfig: { config: { ledger: 5 }, fields: ['config.ledger'] },
  failingConfigs: [],
  lacks: { credentials: 'in memory', network: 'in memory' },
});
