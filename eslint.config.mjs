// Lint is part of `npm test`: it catches what tsc lets through (a stray any, unused expressions, loose equality).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**', 'out/**', 'node_modules/**', '.e2e/**', '.gpu/**', '.gl/**', '.tmpx/**', 'test-artifacts/**',
      'bench/.cache/**', 'bench/.scratch/**', 'test/fixtures/**', 'engine/data/generated/**', '**/*.cjs', '**/*.mjs', 'media/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
      eqeqeq: ['error', 'smart'],
      'prefer-const': 'error',
    },
  },
);
