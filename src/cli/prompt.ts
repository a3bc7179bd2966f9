// Asking a person for a secret on the terminal, without echoing it.

import { createInterface } from 'node:readline';
import { WsxError } from '../core/errors.js';

/** Prints `question` on stderr and reads one line from stdin (a TTY) with echo off. */
export function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    let isMuted = false;
    // readline echoes through _writeToOutput; after the question, print nothing of what is typed.
    const internal = rl as unknown as { _writeToOutput: (text: string) => void };
    const write = internal._writeToOutput.bind(rl);
    internal._writeToOutput = (text: string) => {
      if (!isMuted || text.includes('\n')) write(isMuted ? '\n' : text);
    };
    rl.on('SIGINT', () => {
      rl.close();
      reject(
        new WsxError('invalid-option', 'no passphrase given for --key', { hint: 'or pass --passphrase' }),
      );
    });
    rl.question(question, (answer) => {
      rl.close();
      resolve(answer);
    });
    isMuted = true;
  });
}
