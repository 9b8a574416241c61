export * from './command-connector.js';
export * from './cursor-state.js';
export * from './destination-suite.js';
export * from './process.js';
export * from './records.js';
export * from './schemas.js';
export * from './shared.js';
export * from './source-suite.js';
