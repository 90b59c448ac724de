export { loadEnv, serviceEnvSchema, ConfigError, BASE_ENV_PROPERTIES, type BaseEnv, type EnvJsonSchema } from './config.ts'
export { createLogger, loggerOptions, redactUrl, REDACT_PATHS, type LogSettings } from './logger.ts'
export { AccessLogController } from './access-log.ts'
export { serverOptions } from './server-options.ts'
export { hygienePlugin, ERROR_BODY_SCHEMA, type HygieneOptions } from './hygiene.ts'
export { metricsPlugin, createMetricsRegistry, type MetricsOptions } from './metrics.ts'
export { registerJsonHealth, type JsonHealthOptions } from './health.ts'
export { PROPAGATED_HEADERS, propagateHeaders, type PropagatedHeader } from './propagation.ts'
export {
  fetchWithDeadline, fetchWithAttempts, parseJson, isRecord, OUTBOUND_CONNECTIONS_ENV,
  type OutboundResult, type OutboundOptions, type OutboundConnections,
} from './outbound.ts'
export { parseProductId } from './ids.ts'
export { backendUrl } from './backend-url.ts'
export { listenWithGrace, type ListenOptions } from './listen.ts'
export { runService, type RunOptions } from './run.ts'
export { createService, type Service, type ServiceOptions, type PolicyLayer, type RoutesPlugin, type FromSchema, type OutboundDeps } from './service.ts'
export { markDraining, isDraining } from './health.ts'
export { installMemoryReport, memoryReport, MEMORY_REPORT_SIGNAL, type MemoryReport } from './memory-report.ts'
