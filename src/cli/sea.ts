// The single executable's entry (npm run sea, scripts/build-sea.mjs): Node's single-executable application
// runs one CommonJS script whose require() reaches only Node's built-ins, so the whole program, the screen
// and every lazily imported bundle included, is built into it; its code cache is part of the executable.

import { main } from './main.js';

void main(process.argv);
