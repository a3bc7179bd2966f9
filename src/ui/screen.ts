// The interactive session's screen: ink, React and the components. modes/interactive.ts imports this module
// only when a session starts, and the build bundles its graph into a file of its own (dist/ui/screen.cjs), so
// a pipe or script run never reads a byte of it.
import chalk from 'chalk';
import { render, type Instance, type RenderOptions } from 'ink';
import React from 'react';
import { App, type AppProps } from './App.js';

export { appendHistory, historyPath, loadHistory } from './session/history-file.js';

/**
 * Whether the screen draws in colour. chalk honours --no-color but not NO_COLOR (no-color.org: set and not
 * empty); Ink draws with this same chalk.
 */
export function colourFor(env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR) chalk.level = 0;
  return chalk.level > 0;
}

/** Draws the session on the terminal until it unmounts. */
export function mount(props: AppProps, options: RenderOptions): Instance {
  return render(React.createElement(App, props), options);
}
