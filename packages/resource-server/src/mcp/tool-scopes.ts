import { parseScope } from '@openxaa/protocol'

/** The scopes each MCP tool needs, by tool name: `{ 'notes.create': ['notes.write'] }`. */
export type ToolScopes = Readonly<Record<string, readonly string[]>>

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Checks a tool-scope map once (every scope an RFC 6749 scope token) and returns a frozen copy.
 * Throws a TypeError naming the tool.
 */
export function checkToolScopes(toolScopes: ToolScopes, where = 'toolScopes'): ToolScopes {
  if (!isObject(toolScopes)) throw new TypeError(`${where} must map tool names to scope lists`)
  const out: Record<string, readonly string[]> = {}
  for (const [tool, scopes] of Object.entries(toolScopes)) {
    if (!Array.isArray(scopes)) throw new TypeError(`${where}["${tool}"] must be an array of scopes`)
    for (const scope of scopes) {
      let tokens: string[] = []
      try {
        tokens = parseScope(String(scope))
      } catch {}
      if (tokens.length !== 1 || tokens[0] !== scope) throw new TypeError(`${where}["${tool}"] has an invalid scope`)
    }
    out[tool] = Object.freeze([...new Set(scopes)])
  }
  return Object.freeze(out)
}

/**
 * The scopes a JSON-RPC message (or batch) needs: for every `tools/call`, the scopes of the named tool, united
 * (MCP: a 403 names every scope the operation needs, in one challenge). Other methods, unknown tools and
 * unparseable messages need none here; the MCP server answers them itself.
 *
 * @example
 * scopesForMcpMessage({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'notes.create' } }, scopes)
 * // ['notes.write']
 * @see spec/xaa-protocol.md section 6, server step 5
 */
export function scopesForMcpMessage(message: unknown, toolScopes: ToolScopes): string[] {
  const needed = new Set<string>()
  for (const m of Array.isArray(message) ? message : [message]) {
    if (!isObject(m) || m.method !== 'tools/call' || !isObject(m.params)) continue
    const name = m.params.name
    if (typeof name !== 'string' || !Object.hasOwn(toolScopes, name)) continue
    for (const scope of toolScopes[name]!) needed.add(scope)
  }
  return [...needed]
}

/** `a` then the members of `b` not in `a`. */
export function unionScopes(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])]
}
