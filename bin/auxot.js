#!/usr/bin/env node
// Thin launcher: the compiled composition root lives in dist/ (built by `npm install`).
import('../dist/main.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/main.js')) {
    console.error('auxot: dist/ is missing; run `npm install` (or `npm run build`) first.');
    process.exit(1);
  }
  throw error;
});
