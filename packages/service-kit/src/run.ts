import type { FastifyInstance, FastifyServerOptions } from 'fastify'
import { ConfigError, type BaseEnv } from './config.ts'
import { createLogger } from './logger.ts'
import { listenWithGrace } from './listen.ts'
import { serverOptions } from './server-options.ts'

export interface RunOptions<C> {
  name: string
  /** Reads and validates the environment; throws ConfigError naming the bad variable. */
  loadConfig: () => { base: BaseEnv, config: C }
  buildApp: (config: C, server: FastifyServerOptions) => Promise<FastifyInstance> | FastifyInstance
}

/** What every `server.ts` does: env → config → app → listen → graceful close. Exits 1 on bad config. */
export async function runService<C> ({ name, loadConfig, buildApp }: RunOptions<C>): Promise<FastifyInstance> {
  let loaded: { base: BaseEnv, config: C }
  try {
    loaded = loadConfig()
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
  await listenWithGrace(app, { host: base.HOST, port: base.PORT, graceMs: base.SHUTDOWN_GRACE_MS })
  return app
}
