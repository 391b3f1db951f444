// `node --import ./record-imports.mjs …`: every module URL the program resolves through the ESM
// loader is appended to the file named by AUXOT_TEST_IMPORTS_FILE (one per line).
import { register } from 'node:module';

register('./record-imports-hooks.mjs', import.meta.url, { data: { file: process.env.AUXOT_TEST_IMPORTS_FILE } });
