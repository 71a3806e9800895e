// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nodePlugin from 'eslint-plugin-n';

/**
 * The one-way layer rule from ARCHITECTURE.md: each layer lists the layers it must not import.
 * The server never imports the CLI; the CLI imports the server only to launch it (`landuse serve`).
 */
const layers = {
  terminal: [
    'domain',
    'data',
    'analytics',
    'cache',
    'agent',
    'observability',
    'server',
    'cli',
    'config',
    'knowledge',
  ],
  domain: [
    'data',
    'analytics',
    'cache',
    'agent',
    'observability',
    'server',
    'cli',
    'config',
    'knowledge',
  ],
  data: ['analytics', 'cache', 'agent', 'observability', 'server', 'cli', 'knowledge'],
  analytics: ['agent', 'observability', 'server', 'cli', 'knowledge'],
  cache: ['analytics', 'agent', 'server', 'cli', 'knowledge'],
  // The knowledge base reads its markdown and the vocabulary: config and domain only.
  knowledge: ['data', 'analytics', 'cache', 'agent', 'observability', 'server', 'cli', 'terminal'],
  agent: ['server', 'cli'],
  observability: ['agent', 'server', 'cli', 'knowledge'],
  server: ['cli'],
  cli: ['bench'],
};

/** The benchmarks (bench/) are an entry point beside the CLI: they use the layers, never the CLI. */
const entries = [
  ...Object.entries(layers).map(([layer, banned]) => ({
    files: `src/${layer}/**/*.ts`,
    layer: `src/${layer}`,
    banned,
  })),
  { files: 'bench/**/*.ts', layer: 'bench', banned: ['cli'] },
];

const layerRules = entries.map(({ files, layer, banned }) => ({
  files: [files],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: banned.map((b) => ({
          group: [`**/${b}/*`, `**/${b}`, `**/${b}.ts`],
          message: `${layer} must not import ${b}: dependencies point down the layer list in ARCHITECTURE.md.`,
        })),
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'coverage/', 'dist/', 'web/dist/', 'scratch/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js', 'bin/*.js'] } },
    },
    plugins: { n: nodePlugin },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'n/no-process-env': 'error',
    },
  },
  {
    // src/config/index.ts is the only reader of process.env; tests pass it on to the processes they spawn.
    files: ['src/config/index.ts', 'bin/*.js', '*.config.ts', '*.config.js', 'test/**/*.ts'],
    rules: { 'n/no-process-env': 'off' },
  },
  ...layerRules,
);
