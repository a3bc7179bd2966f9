// hdr-histogram-js, bundled on its own (dist/cli/hdr-histogram.js) and loaded only by wsx load: it is
// 300 KiB, and every other run would otherwise parse it at start-up.

export {
  build,
  decodeFromCompressedBase64,
  encodeIntoCompressedBase64,
  HistogramLogWriter,
} from 'hdr-histogram-js';
export type { Histogram } from 'hdr-histogram-js';
