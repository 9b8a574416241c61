// The line splitter is core's, shared with the `write` command's stdin reader.
export { LineQueue } from '@tributary/core';
