/**
 * The cryptographic limit on one core (this process is pinned like the servers): ES256 signatures and
 * verifications per second of a JWT the size of an ID-JAG, with `jose` (WebCrypto underneath, the best of one
 * and four operations in flight) and with `node:crypto` directly (a KeyObject,
 * `dsaEncoding: 'ieee-p1363'`, synchronous).
 */
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto'
import { parseArgs } from 'node:util'
import { base64url, compactVerify, exportJWK, generateKeyPair, SignJWT } from 'jose'
import { childMain, serveParent } from '../lib/server-process.js'

/** Operations per second. */
export interface CryptoLimits {
  joseSign: number
  joseVerify: number
  nodeSign: number
  nodeVerify: number
}

const PAYLOAD = {
  iss: 'https://idp.acme.example',
  sub: 'usr_4f1c9a0b2d3e5f60',
  aud: 'https://as.chat.example',
  client_id: 'f53f191f9311af35',
  jti: 'yvE0z1Kx8gJm3Q2Rr5c7Ow',
  iat: 1_800_000_000,
  exp: 1_800_000_300,
  resource: 'https://mcp.chat.example',
  scope: 'chat.read chat.history',
  tenant: 'acme',
  auth_time: 1_799_999_000,
}

async function rate(seconds: number, inFlight: number, op: () => unknown): Promise<number> {
  const end = performance.now() + seconds * 1000
  let done = 0
  const start = performance.now()
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < end) {
        await op()
        done++
      }
    }),
  )
  return Math.round(done / ((performance.now() - start) / 1000))
}

function syncRate(seconds: number, op: () => unknown): number {
  const end = performance.now() + seconds * 1000
  let done = 0
  const start = performance.now()
  while (performance.now() < end) {
    for (let i = 0; i < 50; i++) op()
    done += 50
  }
  return Math.round(done / ((performance.now() - start) / 1000))
}

await childMain(async () => {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '2' } } })
  const seconds = Number(values.seconds)
  const { privateKey: privateCryptoKey } = await generateKeyPair('ES256', { extractable: true })
  // jose is handed KeyObjects, as the servers do (the key store decrypts into a KeyObject).
  const privateKey = createPrivateKey({ key: (await exportJWK(privateCryptoKey)) as never, format: 'jwk' })
  const publicKey = createPublicKey(privateKey)
  const header = { alg: 'ES256', kid: 'k1', typ: 'oauth-id-jag+jwt' }
  const joseSign = () => new SignJWT(PAYLOAD).setProtectedHeader(header).sign(privateKey)
  const token = await joseSign()
  const joseVerify = () => compactVerify(token, publicKey, { algorithms: ['ES256'] })

  const signingInput = `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(PAYLOAD))}`
  const nodeSign = () => {
    const signature = sign('sha256', Buffer.from(signingInput), { key: privateKey, dsaEncoding: 'ieee-p1363' })
    return `${signingInput}.${signature.toString('base64url')}`
  }
  const [input, sig] = [token.slice(0, token.lastIndexOf('.')), token.slice(token.lastIndexOf('.') + 1)]
  const nodeVerify = () => {
    const ok = verify(
      'sha256',
      Buffer.from(input),
      { key: publicKey, dsaEncoding: 'ieee-p1363' },
      Buffer.from(sig, 'base64url'),
    )
    if (!ok) throw new Error('node:crypto did not verify jose’s signature')
  }
  // Warm-up (JIT), then measure each in turn. jose runs on the thread pool: the best of one and of four operations
  // in flight (more only adds contention on one core).
  await rate(0.3, 4, joseSign)
  await rate(0.3, 4, joseVerify)
  syncRate(0.3, nodeSign)
  syncRate(0.3, nodeVerify)
  const best = async (op: () => unknown) => Math.max(await rate(seconds / 2, 1, op), await rate(seconds / 2, 4, op))
  const limits: CryptoLimits = {
    joseSign: await best(joseSign),
    joseVerify: await best(joseVerify),
    nodeSign: syncRate(seconds, nodeSign),
    nodeVerify: syncRate(seconds, nodeVerify),
  }
  serveParent({ ...limits }, async () => {})
})
