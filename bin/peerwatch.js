#!/usr/bin/env node
// The `peerwatch` command: runs the bundled CLI (built by `npm run build` into dist/cli.js).
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write('peerwatch: dist/cli.js is missing; run `npm run build` in the Peerwatch folder first\n');
  process.exit(2);
}
process.exitCode = require(cli).main(process.argv.slice(2));
