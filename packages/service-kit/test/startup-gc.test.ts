import { describe, expect, it } from 'vitest'
import { collectStartupGarbage, type StartupGcResult } from '../src/startup-gc.ts'

describe('collectStartupGarbage', () => {
  it('collects what start-up left behind, without putting gc() in the global scope', async () => {
    // Garbage as start-up leaves it: many small objects, unreachable by the time the collection runs.
    let leftovers: Array<{ id: number, text: string }> | undefined = Array.from({ length: 200_000 }, (_, id) => ({ id, text: `item ${id}` }))
    expect(leftovers.length).toBe(200_000)
    leftovers = undefined
    const result = await new Promise<StartupGcResult>((resolve) => collectStartupGarbage(resolve, 0))
    expect(result.after.heapUsedMiB).toBeLessThan(result.before.heapUsedMiB - 5)
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined()
  })
})
