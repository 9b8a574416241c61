import { defineConfig } from 'vitest/config';

// Tests start connector processes on a shared machine: give each test room.
export default defineConfig({ test: { testTimeout: 30_000, hookTimeout: 30_000 } });
