/**
 * Scopes granted (2(d) step 13): the ID-JAG's scopes that the target resources define, narrowed further by the
 * request's `scope` when one is sent. Never broader than the ID-JAG.
 * @see spec/xaa-protocol.md 2(d) step 13, checklist #22, section 7 item 10
 */
import { intersectScopes, ProtocolError } from '@openxaa/protocol'
import type { AsResource } from '@openxaa/store'

/** The grant and what was left out of the ID-JAG's scopes. */
export interface ScopeDecision {
  granted: string[]
  dropped: string[]
}

/**
 * Intersects the ID-JAG's scopes with the resources' scopes and the requested ones. When the ID-JAG carried scopes
 * and none survives, refuses: `ERR_ID_JAG_SCOPE` when the resources define none of them, `ERR_SCOPE_INVALID`
 * (`invalid_scope`) when the request asked only for scopes outside the ID-JAG.
 */
export function decideScopes(
  idJagScopes: readonly string[],
  resources: readonly AsResource[],
  requested: readonly string[] | undefined,
): ScopeDecision {
  const defined = new Set(resources.flatMap((r) => r.scopes))
  const registered = intersectScopes(idJagScopes, defined)
  const granted = requested === undefined ? registered : intersectScopes(registered, requested)
  if (idJagScopes.length > 0 && granted.length === 0) {
    if (registered.length === 0) {
      throw new ProtocolError('ERR_ID_JAG_SCOPE', 'the assertion carries no scope this resource defines', {
        rule: '2(d).13 #22',
        detail: 'none of the assertion scopes is registered for the resource',
      })
    }
    throw new ProtocolError('ERR_SCOPE_INVALID', 'the requested scope is not covered by the assertion', {
      rule: '2(d).13 #22',
      detail: 'the scope parameter and the granted assertion scopes do not overlap',
    })
  }
  return { granted, dropped: idJagScopes.filter((s) => !granted.includes(s)) }
}
