#!/usr/bin/env node
// The `gradlens` command: the CLI is bundled to dist/cli.js (npm run build).
require('../dist/cli.js');
