// How numbers, shares, durations and sizes are written for a person. Pure: no I/O, no @actions imports.

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

const NUMBER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 })
const INTEGER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })
const PERCENT = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2
})

/** A non-negative number whose shortest decimal form has at most two decimals, like `1234.5`. */
const SHORT_DECIMAL = /^([0-9]+)(?:\.([0-9]{1,2}))?$/

/**
 * `[integer part with thousands separators, decimals]` when the number's shortest decimal form
 * (`String(value)`) has at most two decimals, else null. Such a number needs no rounding at two
 * decimals, and the formats above, which round that same shortest form, would print these very
 * digits: this spares the much slower `Intl` call for the common case (counts, `97.5`). `-0`
 * prints as `0` here but `-0` through `Intl`, so it is left to `Intl`.
 */
function shortDecimal(value: number): [string, string] | null {
  if (Object.is(value, -0)) return null
  const match = SHORT_DECIMAL.exec(String(value))
  if (match === null) return null
  const [, whole = '', decimals = ''] = match
  return [whole.replace(/\B(?=(?:[0-9]{3})+$)/g, ','), decimals]
}

/** `1,234,567`; fractions to at most 2 decimals. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '—'
  const short = shortDecimal(value)
  if (short === null) return NUMBER.format(value)
  const [whole, decimals] = short
  return decimals === '' ? whole : `${whole}.${decimals}`
}

/** `1,235`: an estimate, rounded to a whole number. */
export function formatInteger(value: number): string {
  return Number.isFinite(value) ? INTEGER.format(value) : '—'
}

/**
 * `2.50%`. Never `0.00%` for something above zero (`<0.01%`), never `100.00%` for something
 * below a hundred (`>99.99%`).
 */
export function formatPercent(percent: number): string {
  if (!Number.isFinite(percent)) return '—'
  if (percent > 0 && percent < 0.005) return '<0.01%'
  if (percent < 100 && percent >= 99.995) return '>99.99%'
  const short = shortDecimal(percent)
  if (short === null) return `${PERCENT.format(percent)}%`
  const [whole, decimals] = short
  return `${whole}.${decimals.padEnd(2, '0')}%`
}

/** A count's share: as formatPercent, and `<0.01%` for a non-zero count even at 0%. */
export function formatShare(value: number, percent: number): string {
  if (value !== 0 && percent === 0) return '<0.01%'
  return formatPercent(percent)
}

/** `250 (2.50%)`, or `3` without a percentage. */
export function formatMeasure(value: number, percent: number | null): string {
  return percent === null
    ? formatNumber(value)
    : `${formatNumber(value)} (${formatShare(value, percent)})`
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatNumber(count)} ${count === 1 ? one : many}`
}

/** How old something is, in the one unit a person reads it in: `40 minutes`, `30 hours`, `6 days`. */
export function formatAge(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000))
  if (minutes < 60) return plural(minutes, 'minute')
  const hours = Math.round(minutes / 60)
  return hours < 48 ? plural(hours, 'hour') : plural(Math.round(hours / 24), 'day')
}

/** `64 MB`, `1.5 GB`, `10 kB`: sizes in binary units, as a runner's memory is counted. */
export function formatBytes(bytes: number): string {
  const [amount, unit] =
    bytes >= 2 ** 30
      ? [bytes / 2 ** 30, 'GB']
      : bytes >= 2 ** 20
        ? [bytes / 2 ** 20, 'MB']
        : [bytes / 1024, 'kB']
  return `${amount.toFixed(1).replace(/\.0$/, '')} ${unit}`
}
