// RFC 6749 3.3: scope = scope-token *( SP scope-token ); scope-token = 1*( %x21 / %x23-5B / %x5D-7E )

const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/

/** True when `token` is one RFC 6749 scope-token. */
export function isScopeToken(token: string): boolean {
  return SCOPE_TOKEN.test(token)
}

/**
 * Splits a `scope` value into its tokens, in order, duplicates removed. Runs of spaces are tolerated (clients are
 * sloppy about them and they change nothing); any other character outside the scope-token set is not.
 * Returns the offending token on failure.
 */
export function splitScope(value: string): { scopes: string[] } | { invalid: string } {
  const scopes: string[] = []
  for (const token of value.split(' ')) {
    if (token === '') continue
    if (!isScopeToken(token)) return { invalid: token }
    if (!scopes.includes(token)) scopes.push(token)
  }
  return { scopes }
}

/** Joins scope tokens into one `scope` value, refusing any token outside the RFC 6749 charset. */
export function joinScope(scopes: readonly string[], name = 'scope'): string {
  for (const token of scopes) {
    if (!isScopeToken(token)) throw new TypeError(`${name}: "${token}" is not an RFC 6749 scope-token`)
  }
  return [...new Set(scopes)].join(' ')
}

/** True when both lists hold the same scopes, in any order. */
export function sameScopes(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a)
  const right = new Set(b)
  return left.size === right.size && [...left].every((s) => right.has(s))
}
