import type { FastifyInstance, FastifyServerOptions } from 'fastify'
import { ConfigError, type BaseEnv } from './config.ts'
import { createLogger } from './logger.ts'
import { listenWithGrace } from './listen.ts'
import { installMemoryReport, MEMORY_REPORT_SIGNAL } from './memory-report.ts'
import { serverOptions } from './server-options.ts'
import { collectStartupGarbage } from './startup-gc.ts'

export interface RunOptions<C> {
  name: string
  /** Reads and validates the environment; throws ConfigError naming the bad variable. */
  loadConfig: () => { base: BaseEnv, config: C }
  buildApp: (config: C, server: FastifyServerOptions) => Promise<FastifyInstance> | FastifyInstance
}

/** The shutdown delay is part of the grace period: a delay that fills it would leave no time to finish requests. */
function checkShutdown (base: BaseEnv): void {
  if (base.SHUTDOWN_DELAY_MS > 0 && base.SHUTDOWN_DELAY_MS >= base.SHUTDOWN_GRACE_MS) {
    throw new ConfigError(`invalid environment: SHUTDOWN_DELAY_MS (${base.SHUTDOWN_DELAY_MS}) must be less than SHUTDOWN_GRACE_MS (${base.SHUTDOWN_GRACE_MS})`)
  }
}

/** What every `server.ts` does: env → config → app → listen → graceful close. Exits 1 on bad config. */
export async function runService<C> ({ name, loadConfig, buildApp }: RunOptions<C>): Promise<FastifyInstance> {
  let loaded: { base: BaseEnv, config: C }
  try {
    loaded = loadConfig()
    checkShutdown(loaded.base)
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${name}: ${err.message}\n`)
      process.exit(1)
    }
    throw err
  }
  const { base, config } = loaded
  const pretty = base.LOG_FORMAT === 'pretty' || (base.LOG_FORMAT === 'auto' && process.stdout.isTTY === true)
  const app = await buildApp(config, serverOptions(createLogger({ level: base.LOG_LEVEL, pretty, name })))
  const keepSignals = installMemoryReport(app) ? [MEMORY_REPORT_SIGNAL] : []
  await listenWithGrace(app, { host: base.HOST, port: base.PORT, graceMs: base.SHUTDOWN_GRACE_MS, delayMs: base.SHUTDOWN_DELAY_MS, keepSignals })
  collectStartupGarbage((gc) => app.log.info(gc, 'start-up garbage collected'))
  return app
}
