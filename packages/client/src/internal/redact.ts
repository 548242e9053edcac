// Text that came from a server (an error_description) or from a URL may echo what we sent. Before it reaches a
// message or a log line, anything shaped like a JWT or a long opaque credential is cut out.

const JWT_LIKE = /[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g
const LONG_OPAQUE = /[A-Za-z0-9_\-+/=~.]{40,}/g

/** The text with JWT-shaped and long credential-shaped runs, and every known secret, replaced by `[redacted]`. */
export function redact(text: string, secrets: readonly string[] = [], max = 300): string {
  let out = text
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('[redacted]')
  out = out.replace(JWT_LIKE, '[redacted]').replace(LONG_OPAQUE, '[redacted]')
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is removed
  out = out.replace(/[\u0000-\u001f\u007f]/g, ' ')
  return out.length > max ? `${out.slice(0, max)}…` : out
}

/** A URL for messages: origin and path only (a query may carry a code or a state). */
export function displayUrl(url: string | URL): string {
  try {
    const u = new URL(url)
    return `${u.origin}${u.pathname}`
  } catch {
    return '(invalid URL)'
  }
}
