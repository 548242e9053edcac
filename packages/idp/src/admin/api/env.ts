/** The Hono environment of the admin API: Node bindings and the authenticated admin context. */
import type { HttpBindings } from '@hono/node-server'
import type { AdminContext } from '../context.js'

/** Hono environment of the admin routes. */
export type AdminEnv = { Bindings: HttpBindings; Variables: { admin: AdminContext } }
