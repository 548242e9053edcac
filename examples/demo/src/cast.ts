/**
 * Who is in the demo: the enterprise "Acme" (people, groups, its two AI clients, its managed connections) and the two
 * SaaS vendors it buys from (Notes and Tasks, each a resource AS plus an MCP server). Written once here; the seed,
 * the printed instructions, the docs and the tests all read it.
 * @see ../../../docs/quickstart.md
 */
import { NOTES_SCOPES } from '@openxaa/example-notes-server'
import { TASKS_SCOPES } from '@openxaa/example-tasks-server'

/** The enterprise: its organization id at the vendors, the tenant its IdP puts in ID-JAGs, its email domain. */
export const ACME = {
  organization: 'acme',
  name: 'Acme Corp',
  displayName: 'Acme',
  tenant: 'acme',
  emailDomain: 'acme.example',
} as const

/** A group of people at Acme. */
export type GroupName = 'engineering' | 'sales'

/** The groups and what they are for. */
export const GROUPS: readonly { name: GroupName; description: string }[] = [
  { name: 'engineering', description: 'Engineers: Acme Code may use Notes for them' },
  { name: 'sales', description: 'Sales: Acme Code may use Tasks for them' },
]

/** A person at Acme. Demo passwords are public on purpose: this is a demo, never a deployment. */
export interface DemoUser {
  username: string
  name: string
  password: string
  groups: readonly GroupName[]
  admin: boolean
  /** What the person can reach, for the printed table and the docs. */
  reaches: string
}

/** The people. */
export const USERS: readonly DemoUser[] = [
  {
    username: 'alice',
    name: 'Alice Archer',
    password: 'alice-demo-password',
    groups: ['engineering', 'sales'],
    admin: false,
    reaches: 'Notes and Tasks',
  },
  {
    username: 'bob',
    name: 'Bob Baker',
    password: 'bob-demo-password',
    groups: ['engineering'],
    admin: false,
    reaches: 'Notes only',
  },
  {
    username: 'carol',
    name: 'Carol Cooper',
    password: 'carol-demo-password',
    groups: ['sales'],
    admin: false,
    reaches: 'Tasks only',
  },
  { username: 'dave', name: 'Dave Dyer', password: 'dave-demo-password', groups: [], admin: false, reaches: 'nothing' },
  {
    username: 'admin',
    name: 'Ada Admin',
    password: 'admin-demo-password',
    groups: [],
    admin: true,
    reaches: 'the admin console',
  },
]

/** An AI client Acme has approved, as registered at Acme's IdP. */
export interface DemoClient {
  /** Its client_id at the IdP. */
  clientId: string
  name: string
  description: string
}

/** Acme's two AI clients. The `openxaa` CLI plays Acme Code. */
export const CLIENTS: readonly DemoClient[] = [
  { clientId: 'acme-code', name: 'Acme Code', description: 'the coding agent (the openxaa CLI plays it)' },
  { clientId: 'acme-chat', name: 'Acme Chat', description: 'the chat assistant' },
]

/** The client everything printed uses. */
export const CLI_CLIENT = 'acme-code'

/** Which vendor: the key of {@link VENDORS}. */
export type VendorKey = 'notes' | 'tasks'

/** A SaaS vendor: its resource AS and the MCP server behind it. */
export interface DemoVendor {
  key: VendorKey
  name: string
  scopes: readonly string[]
  /** A tool call that writes something and one that reads it back, for the printed walkthrough. */
  write: { tool: string; arguments: Record<string, unknown> }
  read: { tool: string; arguments: Record<string, unknown> }
  /** The client_id each Acme client has AT THIS VENDOR's AS (not the IdP's): "the two client ids". */
  clientIds: Record<string, string>
}

/** The two vendors. */
export const VENDORS: readonly DemoVendor[] = [
  {
    key: 'notes',
    name: 'Notes',
    scopes: NOTES_SCOPES,
    write: { tool: 'notes.create', arguments: { title: 'Hello from the demo', body: 'Signed in once.' } },
    read: { tool: 'notes.list', arguments: {} },
    clientIds: { 'acme-code': 'notes-acme-code', 'acme-chat': 'notes-acme-chat' },
  },
  {
    key: 'tasks',
    name: 'Tasks',
    scopes: TASKS_SCOPES,
    write: { tool: 'tasks.add', arguments: { title: 'Try cross-app access' } },
    read: { tool: 'tasks.list', arguments: {} },
    clientIds: { 'acme-code': 'tasks-acme-code', 'acme-chat': 'tasks-acme-chat' },
  },
]

/** A managed connection at the IdP: this client may reach this vendor's MCP server for these groups. */
export interface DemoConnection {
  client: string
  vendor: VendorKey
  groups: readonly GroupName[]
  scopes: readonly string[]
}

/** Acme's managed connections. Deny by default: anything not listed here gets no ID-JAG. */
export const CONNECTIONS: readonly DemoConnection[] = [
  { client: 'acme-code', vendor: 'notes', groups: ['engineering'], scopes: ['notes.read', 'notes.write'] },
  { client: 'acme-code', vendor: 'tasks', groups: ['sales'], scopes: ['tasks.read', 'tasks.write'] },
  { client: 'acme-chat', vendor: 'notes', groups: ['engineering'], scopes: ['notes.read'] },
]

/** The user by name (the cast is fixed, so a missing one is a programming error). */
export function userNamed(username: string): DemoUser {
  const user = USERS.find((u) => u.username === username)
  if (user === undefined) throw new TypeError(`no demo user "${username}"`)
  return user
}
