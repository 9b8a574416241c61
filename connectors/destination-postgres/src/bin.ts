#!/usr/bin/env node
import { runConnectorCommand } from '@tributary/core';
import connector from './index.js';

// The Airbyte protocol on stdio: `spec`, `check`, `discover`/`read` or `write`; see --help.
await runConnectorCommand(connector);
