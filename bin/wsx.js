#!/usr/bin/env node
// Launcher: the program lives in dist/ (built by `npm run build`, run by `pretest`, `prestart` and `prepack`).
// CommonJS (bin/package.json), as is dist/cli/main.cjs: an ES module entry costs Node its ES module loader
// at every start (~7 ms of CPU of a smoke run's ~130).
/* global require */
'use strict';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS file: see above
require('../dist/cli/main.cjs').main(process.argv);
