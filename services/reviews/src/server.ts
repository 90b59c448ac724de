import { runService } from '@bookinfo/service-kit'
import { buildApp } from './app.ts'
import { configFromEnv } from './config.ts'

await runService({ name: 'reviews', loadConfig: () => configFromEnv(process.env), buildApp })
