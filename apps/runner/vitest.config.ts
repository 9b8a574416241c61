import { defineConfig } from 'vitest/config';

// The end-to-end tests spawn the built CLI several times per test; on a shared machine one
// spawn can take seconds.
export default defineConfig({ test: { testTimeout: 60_000, hookTimeout: 60_000 } });
