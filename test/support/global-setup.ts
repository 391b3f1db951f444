import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** End-to-end tests spawn the compiled program; `npm test` builds it first. */
export default function globalSetup(): void {
  const main = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
  if (!existsSync(main)) {
    console.warn('\n[auxot] dist/main.js is missing: tests that spawn `auxot` will fail. Run `npm test` (it builds first).\n');
  }
}
