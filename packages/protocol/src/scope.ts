import { isScopeToken } from './internal/scope.js'

/** Tokens of a scope string, or undefined when the string breaks RFC 6749 3.3 (empty tokens, bad characters). */
export function splitScope(scope: unknown): string[] | undefined {
  if (typeof scope !== 'string') return undefined
  const tokens = scope.split(' ')
  if (!tokens.every(isScopeToken)) return undefined
  return [...new Set(tokens)]
}

/**
 * Parses a space-delimited scope string into its distinct tokens. Throws a TypeError when the string is empty or has
 * empty tokens (doubled, leading or trailing spaces) or characters outside RFC 6749 3.3.
 *
 * @example
 * parseScope('chat.read chat.history') // ['chat.read', 'chat.history']
 * @see spec/xaa-protocol.md section 2(d) step 13
 */
export function parseScope(scope: string): string[] {
  const tokens = splitScope(scope)
  if (tokens === undefined) throw new TypeError('scope is not a space-delimited list of RFC 6749 scope tokens')
  return tokens
}

/**
 * The scopes of `requested` that `allowed` also holds, in the order requested: the resource AS grants no more than
 * the ID-JAG carries and policy permits, never broadening. Accepts scope strings or token arrays.
 *
 * @example
 * intersectScopes('a b c', ['c', 'a']) // ['a', 'c']
 * @see spec/xaa-protocol.md section 2(d) step 13, checklist item 22
 */
export function intersectScopes(
  requested: string | readonly string[],
  allowed: string | readonly string[] | ReadonlySet<string>,
): string[] {
  const wanted = typeof requested === 'string' ? parseScope(requested) : [...new Set(requested)]
  const permitted = typeof allowed === 'string' ? new Set(parseScope(allowed)) : new Set(allowed)
  return wanted.filter((scope) => permitted.has(scope))
}
