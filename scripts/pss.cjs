#!/usr/bin/env node
'use strict';
// The `pss` command: runs the bundled netcore, building it first when a checkout has not.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { execFileSync } = require('node:child_process');

const bundle = join(__dirname, '..', 'extensions', 'netcore', 'dist', 'netcore.cjs');
if (!existsSync(bundle)) {
  execFileSync(process.execPath, [join(__dirname, 'build.mjs')], { stdio: 'inherit' });
}
require(bundle);
