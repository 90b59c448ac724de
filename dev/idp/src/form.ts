import type { IncomingMessage } from 'node:http'

/** Login forms are tiny; anything bigger is not ours. */
export const MAX_FORM_BYTES = 16 * 1024

/** Reads an urlencoded body; undefined when it is larger than `limit` (the rest is drained, not buffered). */
export async function readForm (req: IncomingMessage, limit = MAX_FORM_BYTES): Promise<URLSearchParams | undefined> {
  const chunks: Buffer[] = []
  let size = 0
  let tooLarge = false
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) tooLarge = true
    if (!tooLarge) chunks.push(chunk)
  }
  if (tooLarge) return undefined
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
}
