// Loaded with `node --import`: records every module the program loads into $WSX_IMPORT_LOG, including the
// modules bundled inside dist/ files (see record-imports-hooks.mjs).
import { register } from 'node:module';

register('./record-imports-hooks.mjs', import.meta.url, {
  data: { log: process.env.WSX_IMPORT_LOG, root: new URL('../../', import.meta.url).href },
});
