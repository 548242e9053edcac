import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { describe, expect, test } from 'vitest'
import {
  checkReadiness,
  countAuditEvent,
  createJsonLogger,
  createServerMetrics,
  healthRoutes,
  isDatabaseUnavailable,
  MetricsRegistry,
  observe,
  redact,
} from '../src/index.js'

function capture() {
  const lines: Record<string, unknown>[] = []
  return { lines, logger: createJsonLogger({ service: 't', write: (l) => lines.push(JSON.parse(l)) }) }
}

describe('metrics registry (text exposition 0.0.4)', () => {
  test('counters, gauges and histograms render with HELP, TYPE, escaped labels and cumulative buckets', () => {
    const r = new MetricsRegistry()
    r.counter('a_total', 'A.').inc({ route: '/x"y\\z\n' }, 2)
    r.gauge('g', 'G.', () => 7)
    const h = r.histogram('h_seconds', 'H.', [0.1, 1])
    h.observe(0.05, { m: 'GET' })
    h.observe(0.5, { m: 'GET' })
    h.observe(5, { m: 'GET' })
    expect(r.render()).toBe(
      [
        '# HELP a_total A.',
        '# TYPE a_total counter',
        'a_total{route="/x\\"y\\\\z\\n"} 2',
        '# HELP g G.',
        '# TYPE g gauge',
        'g 7',
        '# HELP h_seconds H.',
        '# TYPE h_seconds histogram',
        'h_seconds_bucket{m="GET",le="0.1"} 1',
        'h_seconds_bucket{m="GET",le="1"} 2',
        'h_seconds_bucket{m="GET",le="+Inf"} 3',
        'h_seconds_sum{m="GET"} 5.55',
        'h_seconds_count{m="GET"} 3',
        '',
      ].join('\n'),
    )
  })
  test('a bad name, a type clash and a decreasing counter are refused; series are bounded', () => {
    const r = new MetricsRegistry()
    expect(() => r.counter('bad-name', 'x')).toThrow(TypeError)
    r.counter('c', 'x')
    expect(() => r.gauge('c', 'x')).toThrow(/already a counter/)
    expect(() => r.counter('c', 'x').inc({}, -1)).toThrow(RangeError)
    for (let i = 0; i < 1500; i++) r.counter('c', 'x').inc({ k: String(i) })
    expect(
      r
        .render()
        .split('\n')
        .filter((l) => l.startsWith('c{')).length,
    ).toBe(1001)
  })
  test('audit events count issuances, refusals by reason and replay hits', () => {
    const m = createServerMetrics()
    countAuditEvent(m, { action: 'id_jag.redeem', decision: 'allow' })
    countAuditEvent(m, { action: 'id_jag.redeem', decision: 'deny', reason: 'ERR_ID_JAG_REPLAY' })
    expect(m.issuances.get({ action: 'id_jag.redeem' })).toBe(1)
    expect(m.refusals.get({ action: 'id_jag.redeem', reason: 'ERR_ID_JAG_REPLAY' })).toBe(1)
    expect(m.replayHits.get()).toBe(1)
  })
})

describe('JSON logger', () => {
  test('redacts sensitive names and JWT-shaped strings anywhere', () => {
    const { lines, logger } = capture()
    const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'
    logger.info(`saw ${jwt}`, { client_secret: 's3cret', nested: { password: 'pw', note: `x ${jwt}` }, ok: 1 })
    const text = JSON.stringify(lines)
    expect(text).not.toContain('s3cret')
    expect(text).not.toContain('"pw"')
    expect(text).not.toContain(jwt)
    expect(lines[0]).toMatchObject({ level: 'info', service: 't', ok: 1, msg: 'saw [redacted]' })
    expect(redact({ a: [{ access_token: 'x' }] })).toEqual({ a: [{ access_token: '[redacted]' }] })
  })
  test('drops lines below the level', () => {
    const lines: string[] = []
    const logger = createJsonLogger({ service: 't', level: 'warn', write: (l) => lines.push(l) })
    logger.info('no')
    logger.warn('yes')
    expect(lines).toHaveLength(1)
  })
})

describe('observe middleware and health routes', () => {
  function app(options: { maxInFlight?: number; ready?: () => Promise<unknown> } = {}) {
    const metrics = createServerMetrics()
    const { lines, logger } = capture()
    const a = new Hono()
    a.use('*', observe({ logger, metrics, maxInFlight: options.maxInFlight ?? 0 }))
    a.route('/', healthRoutes({ checks: { database: options.ready ?? (async () => 1) }, metrics, checkTimeoutMs: 200 }))
    let release: () => void = () => {}
    a.get('/slow', async (c) => {
      await new Promise<void>((r) => {
        release = r
      })
      return c.text('done')
    })
    a.get('/item/:id', (c) => c.text('ok'))
    a.get('/boom', () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })
    })
    a.get('/bug', () => {
      throw new Error('secret internal detail')
    })
    return { a, metrics, lines, release: () => release() }
  }

  test('/healthz, /readyz and /metrics', async () => {
    const { a } = app()
    expect((await a.request('/healthz')).status).toBe(200)
    const ready = await a.request('/readyz')
    expect(ready.status).toBe(200)
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok' } })
    await a.request('/item/42')
    const metrics = await a.request('/metrics')
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const body = await metrics.text()
    expect(body).toContain('openxaa_http_requests_total{method="GET",route="/item/:id",status="200"} 1')
    expect(body).toContain('openxaa_http_request_duration_seconds_bucket{method="GET",route="/item/:id",le="+Inf"} 1')
  })

  test('/readyz is 503 with Retry-After while a check fails or hangs, naming the check only', async () => {
    for (const ready of [async () => Promise.reject(new Error('db password wrong')), () => new Promise(() => {})]) {
      const res = await app({ ready }).a.request('/readyz')
      expect(res.status).toBe(503)
      expect(res.headers.get('retry-after')).toBe('1')
      const text = await res.text()
      expect(JSON.parse(text)).toEqual({ status: 'unavailable', checks: { database: 'fail' } })
      expect(text).not.toContain('password')
    }
    expect((await checkReadiness({})).ok).toBe(true)
  })

  test('one log line per request with id, route, status and duration; a caller id is kept when well-formed', async () => {
    const { a, lines } = app()
    const res = await a.request('/item/7', { headers: { 'x-request-id': 'req-12345678' } })
    expect(res.headers.get('x-request-id')).toBe('req-12345678')
    const bad = await a.request('/item/7', { headers: { 'x-request-id': 'not valid!' } })
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    expect(lines[0]).toMatchObject({ msg: 'request', requestId: 'req-12345678', method: 'GET', route: '/item/:id' })
    expect(lines[0]?.status).toBe(200)
    expect(typeof lines[0]?.durationMs).toBe('number')
    await a.request('/healthz')
    expect(lines).toHaveLength(2)
  })

  test('a database outage is a 503 with Retry-After and a code in the log; a bug is a 500 without a stack', async () => {
    const { a, lines, metrics } = app()
    const res = await a.request('/boom')
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('1')
    expect(await res.json()).toMatchObject({ error: 'temporarily_unavailable' })
    expect(lines[0]).toMatchObject({ level: 'error', status: 503, code: 'ERR_DATABASE_UNAVAILABLE' })
    expect(metrics.databaseErrors.get()).toBe(1)
    const bug = await a.request('/bug')
    expect(bug.status).toBe(500)
    const text = await bug.text()
    expect(text).not.toMatch(/secret internal detail|at .*\.ts:\d+/)
    expect(lines[1]).toMatchObject({ status: 500, code: 'ERR_INTERNAL' })
  })

  test('a browser gets the outage as a short plain page, an HTML route too; an API client gets JSON', async () => {
    const { a, metrics } = app()
    const pages = new Hono()
    pages.get('/page', () => {
      throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })
    })
    pages.onError((_err, c) => c.html('<h1>Something went wrong</h1>', 500))
    a.route('/', pages)
    const page = await a.request('/boom', { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } })
    expect(page.status).toBe(503)
    expect(page.headers.get('retry-after')).toBe('1')
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    expect(await page.text()).toMatch(/Temporarily unavailable/)
    const fromPage = await a.request('/page')
    expect(fromPage.status).toBe(503)
    expect(fromPage.headers.get('content-type')).toMatch(/^text\/html/)
    const api = await a.request('/boom', { headers: { accept: 'application/json' } })
    expect(api.headers.get('content-type')).toMatch(/^application\/json/)
    expect(metrics.databaseErrors.get()).toBe(3)
  })

  test('a 503 a handler wrote on the raw Node response itself is counted and logged, not written again', async () => {
    const { a, lines, metrics } = app()
    const outage = Object.assign(new Error('role is not permitted to log in'), { code: '28000' })
    a.get('/raw', (c) => {
      c.error = outage
      return new Response(null, { headers: { 'x-hono-already-sent': 'true' } })
    })
    const res = await a.request('/raw', {}, { outgoing: { statusCode: 503 } })
    expect(res.headers.get('x-hono-already-sent')).toBe('true')
    expect(metrics.databaseErrors.get()).toBe(1)
    expect(lines[0]).toMatchObject({ status: 503, code: 'ERR_DATABASE_UNAVAILABLE' })
  })

  test('past maxInFlight new requests get 503 with Retry-After; the slow one completes', async () => {
    const { a, metrics, release } = app({ maxInFlight: 1 })
    const slow = a.request('/slow')
    await new Promise((r) => setTimeout(r, 20))
    const refused = await a.request('/item/1')
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('1')
    expect(metrics.overload.get()).toBe(1)
    release()
    expect(await (await slow).text()).toBe('done')
    expect((await a.request('/item/1')).status).toBe(200)
  })

  test('database errors are told from other errors', () => {
    expect(isDatabaseUnavailable({ code: '57P01' })).toBe(true)
    expect(isDatabaseUnavailable(new Error('x', { cause: { code: 'SQLITE_BUSY' } }))).toBe(true)
    expect(isDatabaseUnavailable({ code: 'SQLITE_CONSTRAINT_UNIQUE' })).toBe(false)
    expect(isDatabaseUnavailable(new TypeError('undefined is not a function'))).toBe(false)
  })
})

describe('request body limit', () => {
  test('a body over the limit is 413, declared or streamed; within the limit it reaches the route', async () => {
    const metrics = createServerMetrics()
    const a = new Hono()
    a.use('*', observe({ logger: capture().logger, metrics, maxBodyBytes: 100 }))
    a.post('/echo', async (c) => c.text(String((await c.req.text()).length)))
    expect(await (await a.request('/echo', { method: 'POST', body: 'x'.repeat(100) })).text()).toBe('100')
    const declared = await a.request('/echo', { method: 'POST', body: 'x'.repeat(101) })
    expect(declared.status).toBe(413)
    expect(declared.headers.get('connection')).toBe('close')
    expect(await declared.json()).toMatchObject({ error: 'invalid_request' })
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode('y'.repeat(50)))
        controller.close()
      },
    })
    const streamed = await a.request('/echo', { method: 'POST', body: stream, duplex: 'half' } as RequestInit)
    expect(streamed.status).toBe(413)
    const counted = ['unmatched', '/echo'].map((route) =>
      metrics.requests.get({ method: 'POST', route, status: '413' }),
    )
    expect(counted[0]! + counted[1]!).toBe(2)
  })
})

describe('configuration from environment and file', () => {
  test('the file fills what the environment lacks; a bad setting is named', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs')
    const { join } = await import('node:path')
    const { tmpdir } = await import('node:os')
    const { applyConfigFile, operationsFromEnv } = await import('../src/index.js')
    const dir = mkdtempSync(join(tmpdir(), 'ops-config-'))
    const file = join(dir, 'config.json')
    writeFileSync(file, JSON.stringify({ OPENXAA_LOG_LEVEL: 'warn', OPENXAA_MAX_IN_FLIGHT: '10' }))
    const env = applyConfigFile({ OPENXAA_CONFIG_FILE: file, OPENXAA_MAX_IN_FLIGHT: '20' })
    expect(env).toMatchObject({ OPENXAA_LOG_LEVEL: 'warn', OPENXAA_MAX_IN_FLIGHT: '20' })
    expect(operationsFromEnv('t', env).maxInFlight).toBe(20)
    writeFileSync(file, JSON.stringify({ OPENXAA_LOG_LEVLE: 'warn' }))
    expect(() => applyConfigFile({ OPENXAA_CONFIG_FILE: file })).toThrow(/unknown setting OPENXAA_LOG_LEVLE/)
    writeFileSync(file, JSON.stringify({ PORT: 8080 }))
    expect(() => applyConfigFile({ OPENXAA_CONFIG_FILE: file })).toThrow(/PORT must be a string/)
    expect(() => applyConfigFile({ OPENXAA_CONFIG_FILE: join(dir, 'missing.json') })).toThrow(
      /cannot be read \(ENOENT\)/,
    )
    expect(() => operationsFromEnv('t', { OPENXAA_LOG_LEVEL: 'loud' })).toThrow(/OPENXAA_LOG_LEVEL/)
    expect(() => operationsFromEnv('t', { OPENXAA_MAX_IN_FLIGHT: '-1' })).toThrow(/OPENXAA_MAX_IN_FLIGHT/)
  })
})

describe('body limit on a real Node server (the body is not read to be measured)', () => {
  const send = (port: number, headers: Record<string, string>, chunks: string[]) =>
    new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/echo', headers }, (res) => {
        let body = ''
        res.on('data', (c: Buffer) => {
          body += c.toString()
        })
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }))
      })
      req.on('error', reject)
      for (const c of chunks) req.write(c)
      req.end()
    })

  test('declared within the limit reaches the route whole; declared or chunked over it is 413', async () => {
    const a = new Hono()
    a.use('*', observe({ logger: capture().logger, metrics: createServerMetrics(), maxBodyBytes: 100 }))
    a.post('/echo', async (c) => c.text(String((await c.req.text()).length)))
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: a.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
    })
    try {
      const { port } = server.address() as AddressInfo
      const within = await send(port, { 'content-length': '100' }, ['x'.repeat(100)])
      expect(within).toMatchObject({ status: 200, body: '100' })
      expect(within.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
      const declared = await send(port, { 'content-length': '101' }, ['x'.repeat(101)])
      expect(declared.status).toBe(413)
      expect(declared.headers.connection).toBe('close')
      const chunked = await send(port, { 'transfer-encoding': 'chunked' }, ['y'.repeat(60), 'y'.repeat(60)])
      expect(chunked.status).toBe(413)
      const empty = await send(port, {}, [])
      expect(empty).toMatchObject({ status: 200, body: '0' })
    } finally {
      await new Promise((r) => server.close(r))
    }
  })
})
