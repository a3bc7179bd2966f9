// Byte counts as people read them: "512 B", "2.9 KiB", "64 MiB".

const KiB = 1024;

/** `bytes` in B, KiB or MiB (powers of 1024), with at most one decimal and no trailing ".0". */
export function formatBytes(bytes: number): string {
  if (bytes < KiB) return `${bytes} B`;
  if (bytes < KiB * KiB) return `${+(bytes / KiB).toFixed(1)} KiB`;
  return `${+(bytes / KiB / KiB).toFixed(1)} MiB`;
}
