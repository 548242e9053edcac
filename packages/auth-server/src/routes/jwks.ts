/**
 * The JWK Set that verifies this server's access tokens: the signing key first, then the next key (published before it
 * signs, so that resource servers hold it by its first token), then rotated-out keys until their last token has
 * expired (rotation with overlap).
 * @see RFC 7517 section 5; RFC 9068 section 4; checklist #28
 */
import { JWK_SET_MEDIA_TYPE } from '@openxaa/protocol'
import type { Context } from 'hono'
import type { AppEnv, RedemptionContext } from '../context.js'

/** The GET handler of the JWKS endpoint. */
export function jwksHandler(context: RedemptionContext) {
  return async (_c: Context<AppEnv>) => {
    await context.signingKey()
    const jwks = await context.store.keys.publicJwks(context.options.keyPurpose, context.nowMs())
    return new Response(JSON.stringify(jwks), {
      headers: { 'Content-Type': JWK_SET_MEDIA_TYPE, 'Cache-Control': 'public, max-age=300' },
    })
  }
}
