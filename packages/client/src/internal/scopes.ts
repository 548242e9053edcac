/** The distinct scopes of all lists, in first-seen order. */
export function unionScopes(...lists: (readonly string[] | undefined)[]): string[] {
  return [...new Set(lists.flatMap((list) => list ?? []))]
}

/** True when every scope of `needed` is in `held`. */
export function coversScopes(held: readonly string[], needed: readonly string[]): boolean {
  const set = new Set(held)
  return needed.every((scope) => set.has(scope))
}
