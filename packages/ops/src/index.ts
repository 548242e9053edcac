export { checkReadiness, type HealthRoutesOptions, healthRoutes, type ReadinessCheck } from './health/routes.js'
export {
  type DatabaseUnavailableAnswer,
  databaseUnavailableAnswer,
  isDatabaseUnavailable,
  wantsHtml,
} from './http/database-error.js'
export { type ObserveOptions, observe } from './http/observe.js'
export { applyConfigFile, KNOWN_SETTINGS } from './log/config-file.js'
export { type OperationsSettings, operationsFromEnv } from './log/from-env.js'
export {
  createJsonLogger,
  type JsonLogger,
  type JsonLoggerOptions,
  type LogLevel,
  redact,
} from './log/json-logger.js'
export { countingFetch, instrumentStore } from './metrics/instrument.js'
export {
  Counter,
  DEFAULT_LATENCY_BUCKETS,
  Gauge,
  Histogram,
  type Labels,
  MetricsRegistry,
  PROMETHEUS_CONTENT_TYPE,
} from './metrics/registry.js'
export {
  type CountedAuditEvent,
  countAuditEvent,
  countingAuditLog,
  createServerMetrics,
  type ServerMetrics,
} from './metrics/server-metrics.js'
export { memoryRateLimitCounter, type RateLimitCounter } from './rate-limit/counter.js'
export {
  clientAddress,
  createRateLimiter,
  type RateLimiter,
  type RateLimiterOptions,
  type RateLimitRefusal,
  type RateLimitScope,
  rateLimitedAnswer,
  rateLimitedResponse,
} from './rate-limit/limiter.js'
export {
  parseRateLimitOptions,
  RATE_LIMIT_DEFAULTS,
  RATE_LIMIT_SETTINGS,
  type RateLimitOptions,
  type ResolvedRateLimits,
  rateLimitOptionsFromEnv,
} from './rate-limit/options.js'
export { type RedisCounterOptions, redisRateLimitCounter } from './rate-limit/redis-counter.js'
