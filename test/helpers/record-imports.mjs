// Loaded with `node --import`: records every module the program resolves into $WSX_IMPORT_LOG.
import { register } from 'node:module';

register('./record-imports-hooks.mjs', import.meta.url, { data: { log: process.env.WSX_IMPORT_LOG } });
