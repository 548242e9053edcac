/**
 * The IdP's JWK Set, read from the key store on each request: the signing key, the next key (published before it
 * signs, so that verifiers hold it by its first ID-JAG) and every rotated-out key that is still published, so that
 * tokens signed before a rotation verify until they expire, on every replica.
 * @see ../../../../shared/spec/xaa-protocol.md section 3 (jwks_uri), checklist #28
 */
import { JWK_SET_MEDIA_TYPE } from '@openxaa/protocol'
import { Hono } from 'hono'
import type { IdpRuntime } from '../context.js'
import { PROVIDER_ROUTES } from '../provider/configuration.js'
import { IDP_KEY_PURPOSE } from '../provider/holder.js'

/** GET `{issuer}/jwks`. */
export function jwksRoute(runtime: IdpRuntime): Hono {
  const app = new Hono()
  app.get(`${runtime.options.mountPath}${PROVIDER_ROUTES.jwks}`, async (c) => {
    const jwks = await runtime.store.keys.publicJwks(IDP_KEY_PURPOSE, runtime.now())
    return c.body(JSON.stringify(jwks), 200, {
      'Content-Type': JWK_SET_MEDIA_TYPE,
      // Short: verifiers must see a rotated-in key soon (they also refetch on an unknown kid).
      'Cache-Control': 'public, max-age=60',
    })
  })
  return app
}
