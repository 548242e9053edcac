// Waiting on a condition, not for a time: tests on a loaded machine poll what they need, with a generous bound.

/** Resolves once `what` is true, polling every 100 ms; throws after `ms` (a generous bound, for loaded machines). */
export async function until(what: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms
  while (!(await what())) {
    if (Date.now() > end) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 100))
  }
}
