/** The Redis the rate-limit tests share: OPENXAA_TEST_REDIS_URL, else the machine's own on 127.0.0.1:6379. */
import { Redis } from 'ioredis'

export const REDIS_URL = process.env.OPENXAA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

/** True when that Redis answers PING within a second (suites that need it skip otherwise). */
export async function redisUp(): Promise<boolean> {
  const r = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0 })
  r.on('error', () => {})
  try {
    await r.connect()
    return (await r.ping()) === 'PONG'
  } catch {
    return false
  } finally {
    r.disconnect()
  }
}
