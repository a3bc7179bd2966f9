// Feeds every chunk Ink reads from the terminal to decodeKeys, so no byte of a chunk is lost.
// useInput is not enough: it parses one key per chunk and drops the rest ("abc" + Ctrl+C arrives as "abc").

import { useStdin } from 'ink';
import { useEffect, useLayoutEffect, useRef } from 'react';
import { decodeKeys, initialDecoderState, type Key } from '../keys/decode-keys.js';

export function useKeys(onKeys: (keys: Key[]) => void): void {
  const { setRawMode, isRawModeSupported, internal_eventEmitter: emitter } = useStdin();
  const handler = useRef(onKeys);
  useLayoutEffect(() => {
    handler.current = onKeys;
  });
  useEffect(() => {
    if (!isRawModeSupported) return;
    setRawMode(true);
    return () => setRawMode(false);
  }, [isRawModeSupported, setRawMode]);
  useEffect(() => {
    // Ink splits its reads at escape sequences and emits each piece on this internal emitter, raw.
    let state = initialDecoderState;
    const onInput = (chunk: string) => {
      const decoded = decodeKeys(chunk, state);
      state = decoded.state;
      if (decoded.keys.length > 0) handler.current(decoded.keys);
    };
    emitter.on('input', onInput);
    return () => {
      emitter.off('input', onInput);
    };
  }, [emitter]);
}
