import { describe, expect, test } from 'vitest'
import { FORM_MEDIA_TYPE, parseForm, readForm } from '../../src/index.js'

const CT = FORM_MEDIA_TYPE

describe('parseForm refusals', () => {
  const attacks = [
    { name: 'RFC 6749 3.2 content type is JSON', body: 'a=1', ct: 'application/json', code: 'ERR_FORM_CONTENT_TYPE' },
    { name: 'RFC 6749 3.2 content type is missing', body: 'a=1', ct: null, code: 'ERR_FORM_CONTENT_TYPE' },
    {
      name: 'RFC 6749 3.2 multipart body',
      body: 'a=1',
      ct: 'multipart/form-data; boundary=x',
      code: 'ERR_FORM_CONTENT_TYPE',
    },
    {
      name: 'RFC 6749 B charset is latin1',
      body: 'a=1',
      ct: `${CT}; charset=iso-8859-1`,
      code: 'ERR_FORM_CONTENT_TYPE',
    },
    {
      name: 'RFC 6749 3.1 grant_type repeated',
      body: 'grant_type=a&grant_type=b',
      ct: CT,
      code: 'ERR_FORM_REPEATED_PARAMETER',
    },
    { name: 'RFC 6749 3.1 same value repeated', body: 'scope=a&scope=a', ct: CT, code: 'ERR_FORM_REPEATED_PARAMETER' },
    {
      name: 'RFC 6749 3.1 name repeated in encoded form',
      body: 'scope=a&%73cope=b',
      ct: CT,
      code: 'ERR_FORM_REPEATED_PARAMETER',
    },
    { name: 'RFC 6749 3.1 body over the cap', body: `a=${'x'.repeat(70_000)}`, ct: CT, code: 'ERR_FORM_TOO_LARGE' },
    {
      name: 'RFC 6749 3.1 multibyte body over the cap',
      body: `a=${'€'.repeat(22_000)}`,
      ct: CT,
      code: 'ERR_FORM_TOO_LARGE',
    },
    {
      name: 'RFC 6749 3.1 too many parameters',
      body: Array.from({ length: 65 }, (_, i) => `p${i}=1`).join('&'),
      ct: CT,
      code: 'ERR_FORM_TOO_MANY_PARAMETERS',
    },
    {
      name: 'RFC 6749 3.1 empty pairs count toward the cap',
      body: '&'.repeat(70),
      ct: CT,
      code: 'ERR_FORM_TOO_MANY_PARAMETERS',
    },
    { name: 'RFC 6749 3.1 stray percent sign', body: 'a=100%', ct: CT, code: 'ERR_FORM_MALFORMED' },
    { name: 'RFC 6749 3.1 percent with non-hex digits', body: 'a=%zz', ct: CT, code: 'ERR_FORM_MALFORMED' },
    { name: 'RFC 6749 3.1 invalid UTF-8 byte', body: 'a=%ff', ct: CT, code: 'ERR_FORM_MALFORMED' },
    { name: 'RFC 6749 3.1 overlong UTF-8 encoding', body: 'a=%c0%af', ct: CT, code: 'ERR_FORM_MALFORMED' },
    { name: 'RFC 6749 3.1 UTF-8 surrogate half', body: 'a=%ed%a0%80', ct: CT, code: 'ERR_FORM_MALFORMED' },
    { name: 'RFC 6749 3.1 truncated UTF-8 sequence', body: 'a=%e2%82', ct: CT, code: 'ERR_FORM_MALFORMED' },
    { name: 'RFC 6749 3.1 lone surrogate in body text', body: 'a=\ud800', ct: CT, code: 'ERR_FORM_MALFORMED' },
    { name: 'RFC 6749 3.1 invalid UTF-8 in a name', body: '%ff=1', ct: CT, code: 'ERR_FORM_MALFORMED' },
    { name: 'RFC 6749 3.1 empty parameter name', body: '=value', ct: CT, code: 'ERR_FORM_MALFORMED' },
    { name: 'RFC 6749 3.1 bare equals sign', body: 'a=1&=', ct: CT, code: 'ERR_FORM_MALFORMED' },
  ] as const
  for (const a of attacks) {
    test(a.name, () => {
      let err: unknown
      try {
        parseForm(a.body, a.ct)
      } catch (e) {
        err = e
      }
      expect(err).toMatchObject({ code: a.code, oauthError: 'invalid_request' })
    })
  }

  test('RFC 6749 3.1 a value longer than maxValueLength', () => {
    expect(() => parseForm('a=12345', CT, { maxValueLength: 4 })).toThrow(
      expect.objectContaining({ code: 'ERR_FORM_TOO_LARGE', oauthError: 'invalid_request' }),
    )
  })

  test('RFC 6749 3.1 a custom byte cap counts UTF-8 bytes', () => {
    expect(() => parseForm('a=ééé', CT, { maxBytes: 7 })).toThrow(
      expect.objectContaining({ code: 'ERR_FORM_TOO_LARGE' }),
    )
    expect(parseForm('a=ééé', CT, { maxBytes: 8 }).get('a')).toBe('ééé')
  })

  test('descriptions name the parameter and never its value', () => {
    const err = (() => {
      try {
        parseForm('client_secret=hunter2&client_secret=hunter3', CT)
      } catch (e) {
        return e as Error
      }
    })()
    expect(err?.message).toContain('"client_secret"')
    expect(err?.message).not.toContain('hunter')
  })
})

describe('parseForm reading', () => {
  test('decodes +, percent-encoding and UTF-8; empty values are absent', () => {
    const form = parseForm('a=hello+world&b=%E2%82%AC%2B&c=&d&e=x%3Dy&%C3%A9=1&&', `${CT}; charset=UTF-8`)
    expect(form.get('a')).toBe('hello world')
    expect(form.get('b')).toBe('€+')
    expect(form.get('c')).toBeUndefined()
    expect(form.has('c')).toBe(false)
    expect(form.has('d')).toBe(false)
    expect(form.get('e')).toBe('x=y')
    expect(form.get('é')).toBe('1')
    expect(form.names()).toEqual(['a', 'b', 'e', 'é'])
  })

  test('RFC 6749 3.1 an empty duplicate is an omitted parameter, not a repeat', () => {
    expect(parseForm('scope=&scope=a', CT).get('scope')).toBe('a')
  })

  test('RFC 8693 2.1 repeatable names keep every value in order', () => {
    const form = parseForm('resource=https%3A%2F%2Fa&resource=https%3A%2F%2Fb&audience=x', CT, {
      repeatable: ['resource', 'audience'],
    })
    expect(form.getAll('resource')).toEqual(['https://a', 'https://b'])
    expect(form.get('resource')).toBe('https://a')
    expect(form.getAll('missing')).toEqual([])
  })

  test('content type is matched case-insensitively with a quoted charset', () => {
    expect(parseForm('a=1', 'Application/X-WWW-Form-URLEncoded;charset="utf-8"').get('a')).toBe('1')
  })

  test('agrees with URLSearchParams on a well-formed body', () => {
    const params = new URLSearchParams({ x: 'a b+c&d=e', y: 'ü€😀', z: "!'()~*" })
    const form = parseForm(params.toString(), CT)
    for (const [k, v] of params) expect(form.get(k)).toBe(v)
  })
})

describe('readForm', () => {
  const post = (body: string | Uint8Array | null, headers: Record<string, string> = { 'content-type': CT }) =>
    new Request('http://127.0.0.1/token', { method: 'POST', body, headers })

  test('reads a form body', async () => {
    const form = await readForm(post('grant_type=x&scope=a+b'))
    expect(form.get('scope')).toBe('a b')
  })

  test('RFC 6749 3.1 raw invalid UTF-8 bytes are refused (text() would replace them)', async () => {
    const err = await readForm(post(new Uint8Array([0x61, 0x3d, 0xff, 0xfe]))).catch((e) => e)
    expect(err).toMatchObject({ code: 'ERR_FORM_MALFORMED', oauthError: 'invalid_request' })
  })

  test('RFC 6749 3.1 a streamed body is cut off at the cap', async () => {
    let pulled = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++
        controller.enqueue(new Uint8Array(16 * 1024).fill(0x61))
        if (pulled > 100) controller.close()
      },
    })
    const request = new Request('http://127.0.0.1/token', {
      method: 'POST',
      body: stream,
      headers: { 'content-type': CT },
      duplex: 'half',
    } as RequestInit)
    const err = await readForm(request).catch((e) => e)
    expect(err).toMatchObject({ code: 'ERR_FORM_TOO_LARGE', oauthError: 'invalid_request' })
    expect(pulled).toBeLessThan(10)
  })

  test('RFC 6749 3.1 a declared Content-Length over the cap is refused before reading', async () => {
    const err = await readForm(post('a=1', { 'content-type': CT, 'content-length': '999999' }), {}).catch((e) => e)
    expect(err).toMatchObject({ code: 'ERR_FORM_TOO_LARGE' })
  })

  test('RFC 6749 3.2 wrong content type is refused before reading', async () => {
    const err = await readForm(post('{}', { 'content-type': 'application/json' })).catch((e) => e)
    expect(err).toMatchObject({ code: 'ERR_FORM_CONTENT_TYPE', oauthError: 'invalid_request' })
  })

  test('an empty body is an empty form', async () => {
    expect((await readForm(post(null))).names()).toEqual([])
  })

  describe('from a Node-style body (headers and an async iterable of bytes)', () => {
    const source = (chunks: Uint8Array[], headers: Record<string, string> = { 'content-type': CT }) => ({
      headers: new Headers(headers),
      body: (async function* () {
        yield* chunks
      })(),
    })
    const bytes = (text: string) => new TextEncoder().encode(text)

    test('reads the chunks as one form', async () => {
      const form = await readForm(source([bytes('grant_type=x&sco'), bytes('pe=a+b')]))
      expect(form.get('grant_type')).toBe('x')
      expect(form.get('scope')).toBe('a b')
    })

    test('RFC 6749 3.1 bytes past the cap are refused', async () => {
      const err = await readForm(source([new Uint8Array(40).fill(0x61)]), { maxBytes: 32 }).catch((e) => e)
      expect(err).toMatchObject({ code: 'ERR_FORM_TOO_LARGE', oauthError: 'invalid_request' })
    })

    test('RFC 6749 3.1 bytes that are not UTF-8 are refused', async () => {
      const err = await readForm(source([new Uint8Array([0x61, 0x3d, 0xff])])).catch((e) => e)
      expect(err).toMatchObject({ code: 'ERR_FORM_MALFORMED' })
    })

    test('RFC 6749 3.2 the content type is checked', async () => {
      const err = await readForm(source([bytes('{}')], { 'content-type': 'application/json' })).catch((e) => e)
      expect(err).toMatchObject({ code: 'ERR_FORM_CONTENT_TYPE' })
    })
  })
})
