/**
 * The floor: what one core does for a token leg when it does nothing else. A bare `node:http` server that reads the
 * form body, verifies the ES256 subject token in it and signs an ES256 JWT of an ID-JAG's size (node:crypto, the
 * fastest path this machine has), then answers a token response. No client authentication, no policy, no storage, no
 * audit, no framework: every real token endpoint costs more than this. Its rate and its p99 at the suite's
 * concurrency tell what the targets ask of the legs on this machine (`report.ts`).
 */
import { generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { childMain, serveParent } from '../lib/server-process.js'

/** What the load generator needs to send requests to the floor. */
export interface FloorReady {
  port: number
  tokenPath: string
  subjectToken: string
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')

await childMain(async () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const jws = (header: object, payload: object) => {
    const input = `${b64(header)}.${b64(payload)}`
    return `${input}.${sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`
  }
  const now = Math.floor(Date.now() / 1000)
  // The size of the IdP leg's ID token: the same claims an oidc-provider ID token carries.
  const subjectToken = jws(
    { alg: 'ES256', kid: 'floor', typ: 'JWT' },
    {
      iss: 'http://127.0.0.1:1/',
      sub: randomBytes(18).toString('hex'),
      aud: 'agent',
      exp: now + 3600,
      iat: now,
      auth_time: now,
      nonce: randomBytes(16).toString('base64url'),
      at_hash: randomBytes(16).toString('base64url'),
      sid: randomBytes(16).toString('base64url'),
      email: 'alice@acme.example',
      email_verified: true,
      name: 'Alice',
    },
  )
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
      const token = form.get('subject_token') ?? ''
      const dot = token.lastIndexOf('.')
      const valid = verify(
        'sha256',
        Buffer.from(token.slice(0, dot)),
        { key: publicKey, dsaEncoding: 'ieee-p1363' },
        Buffer.from(token.slice(dot + 1), 'base64url'),
      )
      if (!valid) {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid_grant"}')
        return
      }
      const claims = JSON.parse(Buffer.from(token.slice(token.indexOf('.') + 1, dot), 'base64url').toString('utf8'))
      const issued = jws(
        { alg: 'ES256', kid: 'floor', typ: 'oauth-id-jag+jwt' },
        {
          iss: claims.iss,
          sub: claims.sub,
          aud: form.get('audience'),
          client_id: claims.aud,
          resource: form.get('resource'),
          scope: form.get('scope'),
          jti: randomBytes(16).toString('base64url'),
          iat: now,
          exp: now + 300,
        },
      )
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      res.end(
        JSON.stringify({
          access_token: issued,
          issued_token_type: 'urn:ietf:params:oauth:token-type:id-jag',
          token_type: 'N_A',
          expires_in: 300,
        }),
      )
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const ready: FloorReady = { port: (server.address() as AddressInfo).port, tokenPath: '/token', subjectToken }
  serveParent({ ...ready }, async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })
})
