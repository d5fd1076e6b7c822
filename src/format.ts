// How numbers, shares and durations are written for a person. Pure: no I/O, no @actions imports.

/** 600 000 → "10m", 90 000 → "1m30s", 5 400 000 → "1h30m". */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${ms}ms`
  const totalSeconds = Math.round(ms / 1_000)
  const h = Math.floor(totalSeconds / 3_600)
  const m = Math.floor((totalSeconds % 3_600) / 60)
  const s = totalSeconds % 60
  return [h ? `${h}h` : '', m ? `${m}m` : '', s ? `${s}s` : ''].join('')
}
