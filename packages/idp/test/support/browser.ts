/** A minimal browser for tests: a path-aware cookie jar, manual redirects, form posts. */

interface Cookie {
  name: string
  value: string
  path: string
}

export class Browser {
  readonly #cookies: Cookie[] = []

  cookieHeader(url: URL): string {
    return this.#cookies
      .filter((c) => url.pathname.startsWith(c.path))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ')
  }

  cookie(name: string): string | undefined {
    return this.#cookies.find((c) => c.name === name)?.value
  }

  #store(url: URL, res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';').map((s) => s.trim())
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq)
      const value = pair.slice(eq + 1)
      let path = url.pathname.replace(/\/[^/]*$/, '') || '/'
      let expired = value === ''
      for (const attr of attrs) {
        const [k = '', v = ''] = attr.split('=')
        if (k.toLowerCase() === 'path') path = v
        if (k.toLowerCase() === 'max-age' && Number(v) <= 0) expired = true
        if (k.toLowerCase() === 'expires' && Date.parse(v) < Date.now()) expired = true
      }
      const i = this.#cookies.findIndex((c) => c.name === name && c.path === path)
      if (i !== -1) this.#cookies.splice(i, 1)
      if (!expired) this.#cookies.push({ name, value, path })
    }
  }

  /** One request, no redirect following; cookies sent and stored. */
  async request(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url)
    const headers = new Headers(init.headers)
    const cookie = this.cookieHeader(target)
    if (cookie) headers.set('cookie', cookie)
    const res = await fetch(target, { ...init, headers, redirect: 'manual' })
    this.#store(target, res)
    return res
  }

  /** GETs `url`, following redirects until one leaves for `stopAt` (returned unrequested) or a page answers. */
  async follow(url: string, stopAt?: string): Promise<{ url: string; res?: Response }> {
    let current = url
    for (let i = 0; i < 20; i++) {
      if (stopAt !== undefined && current.startsWith(stopAt)) return { url: current }
      const res = await this.request(current)
      const location = res.headers.get('location')
      if (res.status < 300 || res.status >= 400 || location === null) return { url: current, res }
      await res.body?.cancel()
      current = new URL(location, current).href
    }
    throw new Error('too many redirects')
  }

  /** Posts a form, then follows redirects like {@link follow}. */
  async submit(url: string, fields: Record<string, string>, stopAt?: string): Promise<{ url: string; res?: Response }> {
    const res = await this.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    })
    const location = res.headers.get('location')
    if (res.status < 300 || res.status >= 400 || location === null) return { url, res }
    await res.body?.cancel()
    return this.follow(new URL(location, url).href, stopAt)
  }
}

/** The value of a hidden input in a page. */
export function hiddenField(page: string, name: string): string | undefined {
  return new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1]
}

/** The action of the first form of a page (or the one whose action matches `pattern`). */
export function formAction(page: string, base: string, pattern = /<form[^>]*action="([^"]*)"/): string {
  const action = pattern.exec(page)?.[1]
  if (action === undefined) throw new Error('no form in page')
  return new URL(action.replaceAll('&amp;', '&'), base).href
}
