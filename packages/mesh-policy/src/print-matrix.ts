// Prints the authorization matrix (test/authorization-matrix.ts) as Markdown, for the README:
//   node packages/mesh-policy/src/print-matrix.ts
// Development-only: it reads the test table, so it is not part of what services import.
import { renderMatrixMarkdown } from '../test/authorization-matrix.ts'

process.stdout.write(renderMatrixMarkdown())
