import { defineConfig } from 'vitest/config';

// Only for suite-requirements.test.ts, which runs these files as a connector's tests would
// run the acceptance suite, and reads which of its checks passed.
export default defineConfig({
  test: { include: ['*.suite.ts'], testTimeout: 20_000, hookTimeout: 20_000 },
});
