/**
 * A fresh PostgreSQL database per benchmarked server (127.0.0.1:5432 by default, `OPENXAA_TEST_POSTGRES_URL` to
 * change), dropped afterwards; undefined when no server answers.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'

const ADMIN_URL = process.env.OPENXAA_TEST_POSTGRES_URL || 'postgres://root@127.0.0.1:5432/test'

/** A database made for one run. */
export interface BenchDatabase {
  url: string
  name: string
  drop(): Promise<void>
}

/** Creates an empty database; undefined when the PostgreSQL server is unreachable. */
export async function createBenchDatabase(): Promise<BenchDatabase | undefined> {
  const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2000 })
  try {
    await admin.connect()
  } catch {
    return undefined
  }
  const name = `openxaa_bench_${randomBytes(5).toString('hex')}`
  try {
    await admin.query(`create database ${name}`)
  } finally {
    await admin.end()
  }
  const url = new URL(ADMIN_URL)
  url.pathname = `/${name}`
  return {
    url: url.href,
    name,
    async drop() {
      const client = new pg.Client({ connectionString: ADMIN_URL })
      await client.connect()
      try {
        await client.query(`drop database if exists ${name} with (force)`)
      } finally {
        await client.end()
      }
    },
  }
}
