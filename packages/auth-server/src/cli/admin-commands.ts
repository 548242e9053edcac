// The admin commands: the same operations (and audit events, actor `cli`) as the admin API, on the store directly.
import { readFile } from 'node:fs/promises'
import { userInfo } from 'node:os'
import { type LinkingMode, openStore } from '@openxaa/store'
import { type AdminActor, type AdminService, createAdminService, KEY_ROTATE_MAX_SECONDS } from '../admin/service.js'
import { list, parse, UsageError } from './args.js'

export const ADMIN_USAGE: Record<string, string> = {
  org: `usage: openxaa-as org add <id> [--name NAME]
       openxaa-as org list`,
  trust: `usage: openxaa-as trust add <org> --issuer URL [--jwks-uri URL] [--tenant TENANT] [--clients a,b]
                               [--link subject|email|jit] [--email-domains example.com,…]
       openxaa-as trust list [<org>]
       openxaa-as trust enable <trust-id>
       openxaa-as trust disable <trust-id>
       openxaa-as trust verify <trust-id>      fetch the issuer's metadata and JWKS

A new trust is disabled until "trust enable". Without --jwks-uri the keys come from the issuer's metadata.`,
  client: `usage: openxaa-as client add <id> [--secret | --jwks-uri URL | --jwks-file FILE] [--org ORG] [--name NAME]
       openxaa-as client list

--secret (the default) generates a secret for client_secret_basic/post and prints it once.`,
  resource: `usage: openxaa-as resource add <uri> --scopes a,b [--name NAME]
       openxaa-as resource list`,
  'api-key': `usage: openxaa-as api-key create [--name NAME]     prints the key once`,
  keys: `usage: openxaa-as keys rotate [--activate-after SECONDS] [--retire-after SECONDS]

A new access-token signing key, published at once, signs after --activate-after seconds (default 60: resource
servers refetch the JWKS on an unknown kid at most every 30 s, so they all hold it before its first token). The old
key signs until then and stays published --retire-after seconds more (default: the longest access-token lifetime
plus clock skew). --activate-after 0 --retire-after 0 is the emergency rotation of a compromised key: it switches
and drops the old key at once; resource servers that fetched the JWKS in the last 30 s refuse new tokens until
their cooldown passes.`,
}

const COMMON = `\nOptions: --database-url URL (else OPENXAA_DATABASE_URL, else sqlite:./data/openxaa.db), --json, --help`

function cliActor(): AdminActor {
  let id = 'unknown'
  try {
    id = userInfo().username
  } catch {}
  return { type: 'cli', id }
}

/** A `--activate-after` / `--retire-after` value: whole seconds from 0 to 30 days, or undefined for the default. */
function seconds(flag: string, value: string | undefined, usage: string): number | undefined {
  if (value === undefined) return undefined
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN
  if (!Number.isSafeInteger(n) || n > KEY_ROTATE_MAX_SECONDS) {
    throw new UsageError(`--${flag} must be whole seconds from 0 to ${KEY_ROTATE_MAX_SECONDS}`, usage)
  }
  return n
}

type Handler = (admin: AdminService, actor: AdminActor, argv: string[], usage: string) => Promise<unknown>

const HANDLERS: Record<string, Record<string, Handler>> = {
  org: {
    add: async (admin, actor, argv, usage) => {
      const { values, positionals } = parse(argv, { name: { type: 'string' } }, usage, [1, 1])
      return admin.createOrganization(actor, {
        id: positionals[0]!,
        ...(values.name === undefined ? {} : { name: values.name }),
      })
    },
    list: async (admin, _actor, argv, usage) => {
      parse(argv, {}, usage, [0, 0])
      return admin.listOrganizations()
    },
  },
  trust: {
    add: async (admin, actor, argv, usage) => {
      const { values, positionals } = parse(
        argv,
        {
          issuer: { type: 'string' },
          'jwks-uri': { type: 'string' },
          tenant: { type: 'string' },
          clients: { type: 'string' },
          link: { type: 'string' },
          'email-domains': { type: 'string' },
        },
        usage,
        [1, 1],
      )
      if (values.issuer === undefined) throw new UsageError('--issuer is required', usage)
      const clients = list(values.clients)
      const domains = list(values['email-domains'])
      return admin.createTrust(actor, {
        organizationId: positionals[0]!,
        issuer: values.issuer,
        ...(values['jwks-uri'] === undefined ? {} : { jwksUri: values['jwks-uri'] }),
        ...(values.tenant === undefined ? {} : { tenant: values.tenant }),
        ...(clients === undefined ? {} : { allowedClientIds: clients }),
        ...(values.link === undefined ? {} : { linkingMode: values.link as LinkingMode }),
        ...(domains === undefined ? {} : { emailDomains: domains }),
      })
    },
    list: async (admin, _actor, argv, usage) => admin.listTrusts(parse(argv, {}, usage, [0, 1]).positionals[0]),
    enable: async (admin, actor, argv, usage) =>
      admin.setTrustEnabled(actor, parse(argv, {}, usage, [1, 1]).positionals[0]!, true),
    disable: async (admin, actor, argv, usage) =>
      admin.setTrustEnabled(actor, parse(argv, {}, usage, [1, 1]).positionals[0]!, false),
    verify: async (admin, actor, argv, usage) =>
      admin.verifyTrust(actor, parse(argv, {}, usage, [1, 1]).positionals[0]!),
  },
  client: {
    add: async (admin, actor, argv, usage) => {
      const { values, flags, positionals } = parse(
        argv,
        {
          secret: { type: 'boolean' },
          'jwks-uri': { type: 'string' },
          'jwks-file': { type: 'string' },
          org: { type: 'string' },
          name: { type: 'string' },
        },
        usage,
        [1, 1],
      )
      const chosen = [flags.has('secret') || undefined, values['jwks-uri'], values['jwks-file']].filter(
        (v) => v !== undefined,
      )
      if (chosen.length > 1) throw new UsageError('choose one of --secret, --jwks-uri, --jwks-file', usage)
      const jwks = values['jwks-file'] === undefined ? null : JSON.parse(await readFile(values['jwks-file'], 'utf8'))
      return admin.createClient(actor, {
        clientId: positionals[0]!,
        organizationId: values.org ?? null,
        name: values.name ?? null,
        jwks,
        jwksUri: values['jwks-uri'] ?? null,
      })
    },
    list: async (admin, _actor, argv, usage) => {
      parse(argv, {}, usage, [0, 0])
      return admin.listClients()
    },
  },
  resource: {
    add: async (admin, actor, argv, usage) => {
      const { values, positionals } = parse(
        argv,
        { scopes: { type: 'string' }, name: { type: 'string' } },
        usage,
        [1, 1],
      )
      const scopes = list(values.scopes)
      if (scopes === undefined) throw new UsageError('--scopes is required', usage)
      return admin.createResource(actor, {
        uri: positionals[0]!,
        scopes,
        ...(values.name === undefined ? {} : { name: values.name }),
      })
    },
    list: async (admin, _actor, argv, usage) => {
      parse(argv, {}, usage, [0, 0])
      return admin.listResources()
    },
  },
  'api-key': {
    create: async (admin, actor, argv, usage) => {
      const { values } = parse(argv, { name: { type: 'string' } }, usage, [0, 0])
      const { apiKey, key } = await admin.createApiKey(actor, values.name ?? 'cli')
      return { ...apiKey, key }
    },
  },
  keys: {
    rotate: async (admin, actor, argv, usage) => {
      const { values } = parse(
        argv,
        { 'activate-after': { type: 'string' }, 'retire-after': { type: 'string' } },
        usage,
        [0, 0],
      )
      return admin.rotateSigningKey(actor, {
        activateAfterSeconds: seconds('activate-after', values['activate-after'], usage),
        retireAfterSeconds: seconds('retire-after', values['retire-after'], usage),
      })
    },
  },
}

/** The nouns the admin commands handle. */
export const ADMIN_NOUNS = Object.keys(HANDLERS)

function human(noun: string, verb: string, result: unknown): string {
  if (Array.isArray(result)) return result.length === 0 ? '(none)' : result.map((r) => JSON.stringify(r)).join('\n')
  const r = result as Record<string, unknown>
  if (noun === 'trust' && verb === 'add') {
    return `trust ${r.id} created for ${r.organizationId} (disabled)\nenable it with: openxaa-as trust enable ${r.id}`
  }
  if (noun === 'client' && verb === 'add' && typeof r.secret === 'string') {
    return `client ${(r.client as { clientId: string }).clientId} created\nclient_secret: ${r.secret}\n(shown once: store it now)`
  }
  if (noun === 'api-key') return `API key ${r.id} created\n${r.key}\n(shown once: store it now)`
  if (noun === 'keys' && verb === 'rotate') {
    return `new signing key ${r.kid} (${r.alg}) is published and signs from ${new Date(r.activateAt as number).toISOString()}; the old one signs until then`
  }
  return JSON.stringify(result, null, 2)
}

/** Runs `openxaa-as <noun> <verb> …`. */
export async function adminCommand(noun: string, argv: string[]): Promise<number> {
  const usage = `${ADMIN_USAGE[noun]}${COMMON}`
  const [verb, ...rest] = argv
  const handler = verb === undefined ? undefined : HANDLERS[noun]?.[verb]
  if (verb === undefined || verb === '--help' || verb === '-h') {
    console.log(usage)
    return verb === undefined ? 2 : 0
  }
  if (!handler) throw new UsageError(`unknown command "${noun} ${verb}"`, usage)
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(usage)
    return 0
  }
  const databaseUrl = readOption(rest, '--database-url')
  const store = await openStore(databaseUrl === undefined ? {} : { url: databaseUrl })
  try {
    const result = await handler(createAdminService({ store }), cliActor(), rest, usage)
    console.log(rest.includes('--json') ? JSON.stringify(result, null, 2) : human(noun, verb, result))
    return 0
  } finally {
    await store.close()
  }
}

function readOption(argv: string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === name) return argv[i + 1]
    if (argv[i]!.startsWith(`${name}=`)) return argv[i]!.slice(name.length + 1)
  }
  return undefined
}
