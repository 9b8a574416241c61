export * from './args.js';
export * from './files.js';
export * from './line-queue.js';
export * from './output.js';
export * from './record-line.js';
export * from './run.js';
export * from './stderr-logger.js';
export * from './stdin-messages.js';
