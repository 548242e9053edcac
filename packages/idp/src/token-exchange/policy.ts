/**
 * 2(b) steps 4, 5 and 8: the administrator's policy, as a pure decision over rows already read. Blocks win over
 * everything; then the user must be active; then an enabled managed connection for (client, application, resource)
 * whose groups include the user; the sign-in must be recent enough; the scopes are narrowed to the connection.
 * Deny by default: no connection, no ID-JAG.
 * @see ../../../../shared/spec/xaa-protocol.md 2(b) steps 4, 5, 8; checklist #8, #11; section 8.3
 */
import { ProtocolError } from '@openxaa/protocol'
import type { IdpBlock, IdpConnection, IdpResource, IdpUser } from '@openxaa/store'

/** What the policy decision sees. */
export interface PolicyInput {
  user: IdpUser
  /** Ids of the groups the user belongs to. */
  userGroups: readonly string[]
  /** Blocks in force on the exchange's targets (only the first is named in the refusal). */
  blocks: readonly Pick<IdpBlock, 'id' | 'kind'>[]
  connection: IdpConnection | undefined
  resource: IdpResource
  /** Scopes the client asked for, or undefined when it sent none. */
  requestedScopes: readonly string[] | undefined
  /** Epoch seconds of the sign-in, when known. */
  authTime: number | undefined
  /** Epoch seconds. */
  now: number
}

/** An allowed exchange. */
export interface PolicyDecision {
  connection: IdpConnection
  /** The scopes to put in the ID-JAG, in request order (or the connection's, when none were requested). */
  grantedScopes: string[]
  /** True when the grant is smaller than the request. */
  narrowed: boolean
}

function deny(code: ProtocolError['code'], description: string, rule: string, detail: string): ProtocolError {
  return new ProtocolError(code, description, { rule, detail })
}

/** Decides, or throws the refusal with its precise code. */
export function evaluatePolicy(input: PolicyInput): PolicyDecision {
  const block = input.blocks[0]
  if (block !== undefined) {
    throw deny(
      'ERR_BLOCKED',
      'access to this resource is blocked by the organization',
      '2(b).4',
      `${block.kind} blocked (block ${block.id})`,
    )
  }
  if (input.user.status !== 'active') {
    // Said plainly: the caller holds this user's valid subject token, and the user needs to know why (issue 7).
    throw deny('ERR_USER_DISABLED', 'the user account is disabled at the IdP', '2(b).4', 'user is disabled')
  }
  const connection = input.connection
  if (connection === undefined) {
    throw deny(
      'ERR_NO_CONNECTION',
      'no managed connection allows this client to reach this resource',
      '2(b).4',
      'no connection for (client, application, resource)',
    )
  }
  if (!connection.enabled) {
    throw deny(
      'ERR_CONNECTION_DISABLED',
      'no managed connection allows this client to reach this resource',
      '2(b).4',
      `connection ${connection.id} is disabled`,
    )
  }
  if (!connection.groups.some((g) => input.userGroups.includes(g))) {
    throw deny(
      'ERR_USER_NOT_IN_GROUP',
      'the user is not assigned to this resource',
      '2(b).4',
      `user in none of the groups of connection ${connection.id}`,
    )
  }
  if (
    connection.maxAuthAge !== null &&
    (input.authTime === undefined || input.now - input.authTime > connection.maxAuthAge)
  ) {
    throw new ProtocolError('ERR_AUTH_TOO_OLD', 'the sign-in is too old for this resource: sign in again', {
      rule: '2(b).8 #11',
      detail:
        input.authTime === undefined
          ? 'no auth_time'
          : `signed in ${input.now - input.authTime} s ago, max ${connection.maxAuthAge} s`,
      extra: { max_age: connection.maxAuthAge },
    })
  }
  // Never more than the connection allows, nor than the resource offers.
  const allowed = connection.scopes.filter((s) => input.resource.scopes.includes(s))
  const requested = input.requestedScopes
  const grantedScopes = requested === undefined ? allowed : requested.filter((s) => allowed.includes(s))
  if (requested !== undefined && requested.length > 0 && grantedScopes.length === 0) {
    throw deny(
      'ERR_SCOPE_NOT_ALLOWED',
      'none of the requested scopes is allowed for this client',
      '2(b).5 #8',
      `requested scopes outside connection ${connection.id}`,
    )
  }
  const narrowed = requested !== undefined && grantedScopes.length < requested.length
  return { connection, grantedScopes, narrowed }
}
