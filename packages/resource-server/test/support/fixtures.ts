// Fixtures for core tests that need no network: a resource server with inline keys and a fixed clock.
import { ACCESS_TOKEN_TYP, type MintAccessTokenInput, mintAccessToken, parseWwwAuthenticate } from '@openxaa/protocol'
import { SignJWT } from 'jose'
import { expect } from 'vitest'
import { type AuthVerdict, createResourceServer, type ResourceServer } from '../../src/index.js'
import { makeKey, type TestKey } from './test-as.js'

export const NOW = 1_800_000_000
export const ISSUER = 'https://as.notes.example'
export const RESOURCE = 'https://notes.example/mcp'
export const PRM_URL = 'https://notes.example/.well-known/oauth-protected-resource/mcp'
export const SCOPES = ['notes.read', 'notes.write']

export const key: TestKey = await makeKey('as-1')
/** Another key under the genuine kid. */
export const impostor: TestKey = await makeKey('as-1')

export function resourceServer(overrides: { clockSkew?: number } = {}): ResourceServer {
  return createResourceServer({
    resource: RESOURCE,
    authorizationServers: [ISSUER],
    scopesSupported: SCOPES,
    resourceName: 'Notes',
    verifier: { type: 'jwt', issuer: ISSUER, keys: { keys: [key.publicJwk] }, ...overrides },
    clock: () => NOW * 1000,
  })
}

export function mint(claims: Partial<MintAccessTokenInput> = {}, signer: TestKey = key, now = NOW - 10) {
  return mintAccessToken(
    { iss: ISSUER, sub: 'alice', aud: RESOURCE, client_id: 'agent', scope: 'notes.read', tenant: 'acme', ...claims },
    signer,
    { now, lifetime: 300 },
  )
}

/** Signs any header and payload with the genuine key (for typ and claim attacks mintAccessToken refuses to make). */
export function forge(header: Record<string, unknown>, payload: Record<string, unknown>): Promise<string> {
  const claims = {
    iss: ISSUER,
    sub: 'alice',
    aud: RESOURCE,
    client_id: 'agent',
    jti: 'j1',
    iat: NOW - 10,
    exp: NOW + 290,
  }
  return new SignJWT({ ...claims, ...payload })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: ACCESS_TOKEN_TYP, ...header })
    .sign(key.privateKey)
}

export function request(init: { headers?: Record<string, string>; url?: string; body?: string } = {}): Request {
  return new Request(init.url ?? RESOURCE, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: init.body ?? '{}',
  })
}

/** Asserts a refusal and returns its parsed challenge parameters (or undefined when it carries none). */
export function refused(verdict: AuthVerdict, expected: { status: number; code: string; oauthError: string }) {
  expect(verdict.ok).toBe(false)
  if (verdict.ok) throw new Error('accepted')
  expect({ status: verdict.status, code: verdict.error.code, oauthError: verdict.error.oauthError }).toEqual(expected)
  if (verdict.challenge === undefined) return undefined
  const challenges = parseWwwAuthenticate(verdict.challenge)
  expect(challenges).toHaveLength(1)
  expect(challenges[0]!.scheme).toBe('bearer')
  return challenges[0]!.params
}
