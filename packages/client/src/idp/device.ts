import { GRANT_TYPE_DEVICE_CODE, ResponseValidationError } from '@openxaa/protocol'
import { XaaError } from '../errors.js'
import type { ClientContext } from '../internal/context.js'
import { postTokenRequest, processTokenResponse, secretsOf } from '../internal/token-endpoint.js'
import type { StoredSession } from '../token-store/types.js'
import { type IdpSession, readIdpTokens } from './session.js'

/** What the user must do to approve a device sign-in (RFC 8628 3.3). */
export interface DeviceCodePrompt {
  userCode: string
  verificationUri: string
  verificationUriComplete?: string
  /** Seconds until the code expires. */
  expiresIn: number
}

/** How the device sign-in runs. */
export interface DeviceSignInOptions {
  /** Shows the code and the URL to the user. */
  onUserCode: (prompt: DeviceCodePrompt) => void | Promise<void>
  signal?: AbortSignal
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer)
        reject(new XaaError('ERR_SIGN_IN_FAILED', 'sign-in was cancelled'))
      },
      { once: true },
    )
  })
}

function readDeviceResponse(json: unknown): Required<Omit<DeviceCodePrompt, 'verificationUriComplete'>> & {
  deviceCode: string
  interval: number
  verificationUriComplete: string | undefined
} {
  const b = json as Record<string, unknown>
  if (typeof b !== 'object' || b === null) throw new ResponseValidationError('ERR_RESPONSE_MALFORMED', 'not an object')
  if (typeof b.error === 'string') {
    throw new ResponseValidationError('ERR_RESPONSE_OAUTH_ERROR', 'refused', {
      error: b.error,
      ...(typeof b.error_description === 'string' ? { errorDescription: b.error_description } : {}),
    })
  }
  for (const field of ['device_code', 'user_code', 'verification_uri'] as const) {
    if (typeof b[field] !== 'string' || b[field] === '') {
      throw new ResponseValidationError('ERR_RESPONSE_MALFORMED', `${field} is missing`, { field })
    }
  }
  if (typeof b.expires_in !== 'number' || !(b.expires_in > 0)) {
    throw new ResponseValidationError('ERR_RESPONSE_EXPIRES_IN', 'expires_in is missing', { field: 'expires_in' })
  }
  return {
    deviceCode: b.device_code as string,
    userCode: b.user_code as string,
    verificationUri: b.verification_uri as string,
    verificationUriComplete: typeof b.verification_uri_complete === 'string' ? b.verification_uri_complete : undefined,
    expiresIn: b.expires_in,
    // RFC 8628 3.2: 5 seconds when the server does not say.
    interval: typeof b.interval === 'number' && b.interval >= 0 ? b.interval : 5,
  }
}

/**
 * Signs the user in with the device authorization grant: shows the user code, then polls the token endpoint at the
 * server's interval (`authorization_pending` waits, `slow_down` adds 5 s, `access_denied` and `expired_token` stop).
 *
 * @see RFC 8628 sections 3.1-3.5; xaa-protocol.md section 2(a)
 */
export async function signInWithDevice(
  ctx: ClientContext,
  session: IdpSession,
  options: DeviceSignInOptions,
): Promise<StoredSession> {
  const metadata = await session.metadata()
  const endpoint = metadata.device_authorization_endpoint
  if (typeof endpoint !== 'string') {
    throw new XaaError('ERR_CONFIG', 'the IdP does not offer the device authorization grant; use the browser sign-in')
  }
  const { idp } = ctx.options
  const auth = await session.authentication()
  const secrets = secretsOf(auth)
  const started = await postTokenRequest(ctx.http, {
    url: endpoint,
    issuer: idp.issuer,
    body: new URLSearchParams({ scope: idp.scopes.join(' ') }),
    auth,
    nowSeconds: ctx.nowSeconds(),
  })
  const device = processTokenResponse(
    started,
    readDeviceResponse,
    'the IdP device authorization',
    'ERR_SIGN_IN_FAILED',
    secrets,
  )
  await options.onUserCode({
    userCode: device.userCode,
    verificationUri: device.verificationUri,
    ...(device.verificationUriComplete === undefined
      ? {}
      : { verificationUriComplete: device.verificationUriComplete }),
    expiresIn: device.expiresIn,
  })
  ctx.progress('waiting for you to approve the sign-in')
  // Wall time, not the injected clock: this loop waits for a person.
  const deadline = Date.now() + device.expiresIn * 1000
  let interval = device.interval
  const tokenEndpoint = await session.tokenEndpoint()
  for (;;) {
    await sleep(interval * 1000, options.signal)
    if (Date.now() > deadline)
      throw new XaaError('ERR_SIGN_IN_FAILED', 'the sign-in code expired before it was approved')
    const result = await postTokenRequest(ctx.http, {
      url: tokenEndpoint,
      issuer: idp.issuer,
      body: new URLSearchParams({ grant_type: GRANT_TYPE_DEVICE_CODE, device_code: device.deviceCode }),
      auth,
      nowSeconds: ctx.nowSeconds(),
    })
    const error = (result.json as { error?: unknown } | undefined)?.error
    if (error === 'authorization_pending') continue
    if (error === 'slow_down') {
      interval += 5
      continue
    }
    if (error === 'expired_token') {
      throw new XaaError('ERR_SIGN_IN_FAILED', 'the sign-in code expired before it was approved', { oauthError: error })
    }
    if (error === 'access_denied') {
      throw new XaaError('ERR_ACCESS_DENIED', 'the sign-in was denied at the IdP', { oauthError: error })
    }
    const tokens = processTokenResponse(result, readIdpTokens, 'the IdP', 'ERR_SIGN_IN_FAILED', [
      ...secrets,
      device.deviceCode,
    ])
    return await session.complete(tokens)
  }
}
