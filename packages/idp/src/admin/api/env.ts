/** The Hono environment of the admin API: Node bindings and the authenticated admin context. */
import type { HttpBindings } from '@hono/node-server'
import type { AdminContext } from '../context.js'

export type AdminEnv = { Bindings: HttpBindings; Variables: { admin: AdminContext } }
