// The terminal's rows and columns, following resizes; 24x80 when the stream does not say (a pipe, a test).

import { useEffect, useState } from 'react';

export interface TerminalSize {
  rows: number;
  columns: number;
}

const sizeOf = (stdout: NodeJS.WriteStream): TerminalSize => ({
  rows: stdout.rows || 24,
  columns: stdout.columns || 80,
});

export function useTerminalSize(stdout: NodeJS.WriteStream): TerminalSize {
  const [size, setSize] = useState(() => sizeOf(stdout));
  useEffect(() => {
    const onResize = () => setSize(sizeOf(stdout));
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}
