// How numbers, shares and durations are written for a person. Pure: no I/O, no @actions imports.

/** 600 000 → "10m", 90 000 → "1m30s", 5 400 000 → "1h30m"; under a minute to a tenth of a
 * second, 1 250 → "1.3s" (retry waits are jittered); under a second, 20 → "20ms". */
export function formatDuration(ms: number): string {
  if (Math.round(ms) < 1_000) return `${Math.round(ms)}ms`
  const tenths = Math.round(ms / 100)
  if (tenths < 600 && tenths % 10 !== 0) return `${tenths / 10}s`
  const totalSeconds = Math.round(ms / 1_000)
  const h = Math.floor(totalSeconds / 3_600)
  const m = Math.floor((totalSeconds % 3_600) / 60)
  const s = totalSeconds % 60
  return [h ? `${h}h` : '', m ? `${m}m` : '', s ? `${s}s` : ''].join('')
}
