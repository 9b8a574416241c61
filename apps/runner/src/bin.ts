#!/usr/bin/env node
// The package's one bundled file (scripts/bundle.mjs), not the modules it was made from.
import { main } from './index.js';

process.exitCode = await main(process.argv.slice(2));
