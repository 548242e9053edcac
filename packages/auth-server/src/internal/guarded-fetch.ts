// A fetch for URLs a caller chose (Client ID Metadata Documents and their jwks_uri): every address the host resolves
// to is checked at connection time, inside the socket's own DNS lookup, so a name that resolves to a private address
// (or is rebound to one after a check) is never connected to. Redirects are not followed; bodies are capped.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { BlockList, isIP } from 'node:net'

/** Which non-public addresses a fetch may reach. */
export interface AddressPolicy {
  loopback: boolean
  privateNetwork: boolean
}

const LOOPBACK = new BlockList()
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4')
LOOPBACK.addAddress('::1', 'ipv6')

// RFC 6890 special-purpose ranges, and IPv6 forms that can carry an IPv4 address (mapped, NAT64, 6to4, Teredo).
const NON_PUBLIC = new BlockList()
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NON_PUBLIC.addSubnet(net, prefix, 'ipv4')
}
for (const [net, prefix] of [
  ['::', 128],
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001::', 32],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  NON_PUBLIC.addSubnet(net, prefix, 'ipv6')
}

/** Why `address` may not be fetched under `policy`, or undefined when it may. */
export function addressProblem(address: string, policy: AddressPolicy): string | undefined {
  let ip = address
  let family = isIP(ip)
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip)
  if (mapped) {
    ip = mapped[1]!
    family = 4
  }
  if (family === 0) return 'is not an IP address'
  const type = family === 4 ? 'ipv4' : 'ipv6'
  if (LOOPBACK.check(ip, type)) return policy.loopback ? undefined : 'is a loopback address'
  if (NON_PUBLIC.check(ip, type)) return policy.privateNetwork ? undefined : 'is not a public address'
  return undefined
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void

function guardedLookup(policy: AddressPolicy) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback) => {
    dnsLookup(hostname, { all: true }, (err, addresses) => {
      if (err) return callback(err, '')
      for (const { address } of addresses) {
        const problem = addressProblem(address, policy)
        if (problem !== undefined) return callback(new Error(`the host resolves to an address that ${problem}`), '')
      }
      if (options.all) return callback(null, addresses)
      const first = addresses[0]
      if (!first) return callback(new Error('the host has no address'), '')
      callback(null, first.address, first.family)
    })
  }
}

function collect(res: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    res.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBytes) {
        res.destroy()
        reject(new Error(`the body exceeds ${maxBytes} bytes`))
      } else chunks.push(chunk)
    })
    res.on('end', () => resolve(Buffer.concat(chunks)))
    res.on('error', reject)
  })
}

/**
 * A `fetch` (GET only, no redirects) that refuses non-public addresses per `policy` and bodies over `maxBytes`.
 * Rejections carry a private reason in their message.
 */
export function createGuardedFetch(policy: AddressPolicy, maxBytes: number): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url)
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('only http(s) URLs are fetched')
    const host = url.hostname.replace(/^\[|\]$/g, '')
    if (isIP(host) !== 0) {
      const problem = addressProblem(host, policy)
      if (problem !== undefined) throw new Error(`the host ${problem}`)
    }
    const headers: Record<string, string> = {}
    new Headers(init?.headers).forEach((value, name) => {
      headers[name] = value
    })
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest
    return new Promise<Response>((resolve, reject) => {
      const req = request(
        url,
        { method: 'GET', headers, signal: init?.signal ?? undefined, lookup: guardedLookup(policy) as never },
        (res) => {
          collect(res, maxBytes).then((body) => {
            const status = res.statusCode ?? 502
            const responseHeaders = new Headers()
            for (const [name, value] of Object.entries(res.headers)) {
              if (typeof value === 'string') responseHeaders.set(name, value)
              else if (Array.isArray(value)) for (const v of value) responseHeaders.append(name, v)
            }
            const nullBody = [101, 204, 205, 304].includes(status)
            resolve(new Response(nullBody ? null : new Uint8Array(body), { status, headers: responseHeaders }))
          }, reject)
        },
      )
      req.on('error', reject)
      req.end()
    })
  }) as typeof fetch
}
