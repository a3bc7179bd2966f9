// The plain-run program's build (dist/cli/wsx.cjs, and the single executable's plain program): shared by
// scripts/build.mjs and scripts/build-sea.mjs.
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * What the plain-run program leaves out: the module adding the subcommands becomes one adding none, and
 * the modules only other runs import (dynamically) become a module that throws, which no plain run reaches
 * (the launcher gives those runs the full program; test/e2e/build.test.ts checks what a plain run loads).
 * Without them the smoke run's program is ~35% smaller and loads no subcommand's Node built-ins.
 */
export const plainRunOnly = {
  name: 'plain-run-only',
  setup(b) {
    const onlyInFull =
      /[\\/]src[\\/](cli[\\/]from-curl|modes[\\/](load|serve|run)|record[\\/](recording|replay|to-scenario)|server[\\/]server|protocols[\\/](socketio|jsonrpc|graphql-ws|phoenix|signalr|actioncable|stomp|stomp-frame|mqtt))\.ts$/;
    b.onResolve({ filter: /^\.\.?\// }, async (args) => {
      if (args.pluginData === 'plain-run-only') return undefined;
      const resolved = await b.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: 'plain-run-only',
      });
      if (/[\\/]src[\\/]cli[\\/]subcommands\.ts$/.test(resolved.path))
        return { path: resolved.path, namespace: 'no-subcommands' };
      if (args.kind === 'dynamic-import' && onlyInFull.test(resolved.path))
        return { path: resolved.path, namespace: 'only-in-full' };
      return resolved;
    });
    b.onLoad({ filter: /.*/, namespace: 'no-subcommands' }, () => ({
      contents: 'export function addSubcommands() {}',
      loader: 'js',
    }));
    b.onLoad({ filter: /.*/, namespace: 'only-in-full' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`internal error: ${args.path.slice(root.length)} is in the full program only (dist/cli/wsx-full.cjs, the single executable's wsx-full.cjs), and the launcher chose the plain one (src/cli/programs.ts)`)});`,
      loader: 'js',
    }));
  },
};
