import { isXaaError, type XaaError, type XaaErrorKind } from '../errors.js'

/**
 * Exit codes of `openxaa`, stable for scripts.
 *
 * | code | meaning |
 * |---|---|
 * | 0 | success |
 * | 1 | usage or configuration error (bad arguments, no IdP configured, wrong client credentials) |
 * | 2 | sign-in required (not signed in, or the session can no longer be renewed) |
 * | 3 | refused by policy (the IdP or the authorization server said no: access_denied, invalid_target, ...) |
 * | 4 | network or server error (unreachable, bad metadata, no cross-app access support, unusable answer) |
 * | 5 | `inspect`: the token breaks a rule |
 * | 6 | `call`: the tool reported an error |
 */
export const EXIT = {
  OK: 0,
  USAGE: 1,
  SIGN_IN_REQUIRED: 2,
  REFUSED: 3,
  NETWORK_OR_SERVER: 4,
  TOKEN_BREAKS_A_RULE: 5,
  TOOL_ERROR: 6,
} as const

const BY_KIND: Record<XaaErrorKind, number> = {
  config: EXIT.USAGE,
  'sign-in': EXIT.SIGN_IN_REQUIRED,
  policy: EXIT.REFUSED,
  discovery: EXIT.NETWORK_OR_SERVER,
  network: EXIT.NETWORK_OR_SERVER,
  server: EXIT.NETWORK_OR_SERVER,
}

/** A mistake in how the command was called: exit 1 with the message and a pointer to `--help`. */
export class UsageError extends Error {
  override name = 'UsageError'
}

/** The XaaError at the root of an error (the MCP SDKs wrap what their fetch threw), if any. */
export function findXaaError(error: unknown): XaaError | undefined {
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 8; depth++) {
    if (isXaaError(e)) return e
    e = e instanceof Error ? e.cause : undefined
  }
  return undefined
}

/** The exit code for an error. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError || error instanceof TypeError) return EXIT.USAGE
  const xaa = findXaaError(error)
  return xaa === undefined ? EXIT.NETWORK_OR_SERVER : BY_KIND[xaa.kind]
}
