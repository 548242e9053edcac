/** Token-shaped strings for the guard tests: real compact serialisations, not signed by anyone who matters. */
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** A compact JWS shaped like an ID-JAG. */
export const FAKE_JWS = [
  b64({ alg: 'ES256', typ: 'oauth-id-jag+jwt', kid: 'k1' }),
  b64({ iss: 'https://idp.example', sub: 'alice', aud: 'https://auth.chat.example', jti: 'j1', exp: 2_000_000_000 }),
  'MEUCIQDx7f3lS3hF0bAJ2yT9Q8vYk3Qm1wJ1sR6l1b8mZt3sAwIgYf2o0Qm7e1P9lq7Xx4g5uVbZ3t0c8d9e6f1a2b3c4d5',
].join('.')

/** A compact JWE (five segments). */
export const FAKE_JWE = [
  b64({ alg: 'RSA-OAEP-256', enc: 'A256GCM' }),
  'OKOawDo13gRp2ojaHV7LFpZcgV7T6DVZKTyKOMTYUmKoTCVJRgckCL9kiMT03JGe',
  '48V1_ALb6US04U3b',
  '5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6ji',
  'XFBoMYUZodetZdvTiFvSkQ',
].join('.')
