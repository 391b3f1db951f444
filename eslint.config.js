// ESLint (flat config): typescript-eslint's type-aware strict rules for src/ and test/, plus the
// layering and environment rules this codebase lives by (see docs/decisions.md).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Dependencies point one way: http → gateway → routing/governance → providers → dialects → canonical. */
const LAYERS = [
  { folder: 'canonical', mayNotImport: ['dialects', 'providers', 'routing', 'governance', 'gateway', 'http', 'workers', 'management', 'app', 'cli'] },
  { folder: 'dialects', mayNotImport: ['providers', 'routing', 'governance', 'gateway', 'http', 'workers', 'management', 'app', 'cli'] },
  { folder: 'providers', mayNotImport: ['routing', 'gateway', 'http', 'management', 'app', 'cli'] },
  { folder: 'routing', mayNotImport: ['gateway', 'http', 'management', 'app', 'cli'] },
  { folder: 'governance', mayNotImport: ['gateway', 'http', 'management', 'app', 'cli'] },
  { folder: 'gateway', mayNotImport: ['http', 'management', 'app', 'cli'] },
  { folder: 'store', mayNotImport: ['dialects', 'providers', 'routing', 'gateway', 'http', 'workers', 'management', 'app', 'cli'] },
  { folder: 'platform', mayNotImport: ['canonical', 'dialects', 'providers', 'routing', 'governance', 'gateway', 'http', 'workers', 'management', 'app', 'cli', 'store'] },
];

/** Relative imports that climb out of a folder into one of these top-level layers (`../http/…`, `../../http/…`). */
function upward(layers) {
  return layers.flatMap((layer) => [1, 2, 3, 4].map((depth) => `${'../'.repeat(depth)}${layer}/*`));
}

const TEST_FILES = ['test/**/*.ts', 'src/**/*.test.ts', 'src/**/*.contract.ts', 'src/**/test-support/**/*.ts'];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.test-output/', '.auxot/', 'bench/results/', 'coverage/'] },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.strictTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true, allowRegExp: true }],
      // `(value) => void promise` and one-line arrows returning a void call are this codebase's idiom.
      '@typescript-eslint/no-confusing-void-expression': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Interfaces here declare callbacks in method syntax (`nowMs(): number`) and are passed around as values.
      '@typescript-eslint/unbound-method': 'off',
      // `void value;` marks a parameter kept for what comes next (route-planner's principal).
      '@typescript-eslint/no-meaningless-void-operator': 'off',
      // An `async` method without `await` still turns a throw into a rejection, as its Promise-returning interface promises.
      '@typescript-eslint/require-await': 'off',
    },
  },
  ...LAYERS.map(({ folder, mayNotImport }) => ({
    files: [`src/${folder}/**/*.ts`],
    ignores: TEST_FILES,
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: upward(mayNotImport), message: `src/${folder} sits below these layers and must not import them.` }] },
      ],
    },
  })),
  {
    // The MCP SDK loads with the first MCP connection (decision 55): only its loader's modules may
    // import it for real; everything else imports its types.
    files: ['src/**/*.ts'],
    ignores: ['src/agents/mcp/sdk-modules.ts', 'src/agents/mcp/stdio-transport.ts', 'src/agents/mcp/http-transport.ts', ...TEST_FILES],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@modelcontextprotocol/sdk', '@modelcontextprotocol/sdk/*'], allowTypeImports: true, message: 'Load the MCP SDK through agents/mcp/sdk.ts (decision 55); import only its types here.' }] },
      ],
    },
  },
  {
    // A driver may hand integers back as bigint whatever the row types say.
    files: ['src/store/sqlite/**/*.ts'],
    rules: { '@typescript-eslint/no-unnecessary-type-conversion': 'off' },
  },
  {
    // Only the entry point and the CLI read the environment; everything else is given its settings.
    files: ['src/**/*.ts'],
    ignores: ['src/main.ts', 'src/cli/**', ...TEST_FILES],
    rules: { 'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Only main.ts and the CLI read process.env; pass settings in.' }] },
  },
  {
    // Tests read wire bodies as loose JSON on purpose, to assert what is really on the wire.
    files: TEST_FILES,
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Tests send deprecated wire fields and split strings by code unit on purpose.
      '@typescript-eslint/no-deprecated': 'off',
      '@typescript-eslint/no-misused-spread': 'off',
      '@typescript-eslint/no-dynamic-delete': 'off',
      // Tests look into loosely typed wire bodies with optional chains the types call unnecessary.
      '@typescript-eslint/no-unnecessary-condition': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
);
