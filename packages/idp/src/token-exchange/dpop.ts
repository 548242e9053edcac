/**
 * 2(g) / checklist #13: a `DPoP` header on the token exchange is verified (`htm` POST, `htu` the token endpoint,
 * fresh, not replayed) and its key thumbprint goes into the ID-JAG as `cnf.jkt`.
 */
import { verifyDpopProof } from '@openxaa/protocol'
import type { IdpRuntime } from '../context.js'
import { PROVIDER_ROUTES } from '../provider/configuration.js'

/**
 * The thumbprint of a valid DPoP proof (`header`, '' when the request has none), undefined without one; an invalid
 * proof throws `invalid_dpop_proof`.
 */
export async function dpopThumbprint(runtime: IdpRuntime, header: string): Promise<string | undefined> {
  if (header === '') return undefined
  const proof = await verifyDpopProof(header, {
    htm: 'POST',
    htu: `${runtime.options.issuer}${PROVIDER_ROUTES.token}`,
    now: new Date(runtime.now()),
    replay: runtime.store.replay,
  })
  return proof.jkt
}
