/** Times as the consoles show them: absolute in UTC, and relative to now. */

/** `2026-01-31 14:05 UTC`. */
export function formatTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

/** `3 min ago`, `in 2 days`. */
export function relativeTime(ms: number, now: number): string {
  const diff = Math.round((now - ms) / 1000)
  const abs = Math.abs(diff)
  const [value, unit] =
    abs < 60
      ? [abs, 's']
      : abs < 3600
        ? [Math.floor(abs / 60), 'min']
        : abs < 86_400
          ? [Math.floor(abs / 3600), 'h']
          : [Math.floor(abs / 86_400), abs < 2 * 86_400 ? 'day' : 'days']
  if (abs < 5) return 'just now'
  return diff >= 0 ? `${value} ${unit} ago` : `in ${value} ${unit}`
}
