#!/usr/bin/env node
// Launcher: the program lives in dist/ (built by `npm run build`, run by `pretest`, `prestart` and `prepack`).
import { main } from '../dist/cli/main.js';

main(process.argv);
