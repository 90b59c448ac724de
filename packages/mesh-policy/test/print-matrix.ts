// Prints the authorization matrix, computed from istio/security through the plugin, as Markdown:
//   ./scripts/node packages/mesh-policy/test/print-matrix.ts
import { computeMatrix, renderMatrixMarkdown } from './matrix/compute.ts'

process.stdout.write(renderMatrixMarkdown(await computeMatrix()))
