/**
 * 2(b) steps 5 and 10: the audience must be a known resource application (its issuer or an alias, resolved to the
 * issuer), the resource one that application governs (project decision 2: absent only when it governs exactly one),
 * and every requested scope one the resource offers.
 * @see ../../../../shared/spec/xaa-protocol.md 2(b) steps 5, 10; checklist #4, #6, #9; section 8.2, 8.3
 */
import { ProtocolError } from '@openxaa/protocol'
import type { IdpExchangeApplication, IdpExchangeTarget, IdpResource } from '@openxaa/store'

/** The resolved (audience, resource) pair. */
export interface ExchangeTarget {
  application: IdpExchangeApplication
  resource: IdpResource
}

/**
 * Resolves `audience` and `resources` to one application and one of its resources, or refuses `invalid_target`.
 * `found` is what the store read for `audience` (the `target` of `store.idp.exchange.rows`), undefined when nothing is
 * named so.
 */
export function resolveTarget(
  found: IdpExchangeTarget | undefined,
  audience: string,
  resources: readonly string[],
): ExchangeTarget {
  if (found === undefined) {
    throw new ProtocolError('ERR_AUDIENCE_UNKNOWN', 'the audience is not a known resource authorization server', {
      rule: '2(b) #4',
      detail: `audience not registered: ${audience.slice(0, 200)}`,
    })
  }
  const { application, resources: governed } = found
  if (resources.length > 1) {
    throw new ProtocolError('ERR_RESOURCE_INVALID', 'request one resource per token exchange', {
      rule: '2(b).5',
      detail: `${resources.length} resources requested`,
    })
  }
  const requested = resources[0]
  if (requested === undefined) {
    if (governed.length !== 1) {
      throw new ProtocolError('ERR_RESOURCE_REQUIRED', 'resource is required for this audience', {
        rule: '2(b).10 (decision 2)',
        detail: `audience governs ${governed.length} resources`,
      })
    }
    return { application, resource: governed[0]! }
  }
  const resource = governed.find((r) => r.uri === requested)
  if (resource === undefined) {
    throw new ProtocolError('ERR_RESOURCE_NOT_GOVERNED', 'the resource is not governed by the audience', {
      rule: '2(b).10 #9',
      detail: `resource ${requested.slice(0, 200)} not governed by application ${application.id}`,
    })
  }
  return { application, resource }
}

/** Refuses scopes the resource does not offer (`invalid_scope`); narrowing to policy comes later. */
export function checkScopesKnown(resource: IdpResource, requested: readonly string[] | undefined): void {
  if (requested === undefined) return
  const unknown = requested.filter((s) => !resource.scopes.includes(s))
  if (unknown.length > 0) {
    throw new ProtocolError('ERR_SCOPE_UNKNOWN', 'the request names scopes the resource does not offer', {
      rule: '2(b).5',
      detail: `unknown scopes: ${unknown.join(' ').slice(0, 300)}`,
    })
  }
}
