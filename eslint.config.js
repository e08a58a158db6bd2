import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const noFocusedTests = {
  selector: "CallExpression[callee.object.name=/^(it|test|describe)$/][callee.property.name='only']",
  message: 'Focused tests must not land.',
};

/** Chinese (CJK Unified Ideographs) in a string, template or JSX text: UI words belong in a messages.ts, said by t(). */
const cjk = '/[\\u3400-\\u9fff]/';
const noCjkLiterals = ['Literal[raw=', 'TemplateElement[value.raw=', 'JSXText[value='].map((node) => ({
  selector: `${node}${cjk}]`,
  message: 'Chinese text lives in a feature messages.ts (both languages side by side), or in a reference-data file listed in eslint.config.js.',
}));

/**
 * Where Chinese literals are allowed: the message tables themselves, and reference data whose Chinese names are the
 * data (each with why). Tests may keep Chinese where they assert on such data.
 */
const cjkAllowed = [
  'src/renderer/ui/messages.ts',
  'src/renderer/features/*/messages.ts',
  '**/*.test.ts',
  '**/*.test.tsx',
  // GB/T 30428.2 component classes: their standard Chinese names are part of the code table.
  'src/shared/city/component-classes.ts',
  // Synthetic vehicle plates are 渝A…, checked by the schema.
  'src/shared/city/schemas.ts',
  // Built-in wall scenes carry their names in both languages, like scenes an administrator adds.
  'src/shared/wall/scenes.ts',
  // The layer catalogue is a tree of named industry systems and layers; search matches both languages' names.
  'src/renderer/features/map/catalogue.ts',
  // Incident titles are record content in the city's language (place names, sensor kinds), not UI words.
  'src/backend/feed/load-feed-world.ts',
  // The product name 智理 in the window title and the fatal start-up dialog, before any language is known.
  'src/main/index.ts',
  'src/main/windows/role-window.ts',
];

export default tseslint.config(
  { ignores: ['out/', 'dist/', 'node_modules/', 'resources/city/generated/', '.data/', '.tmp/', 'resources/video/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    files: ['**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', noFocusedTests],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    ignores: cjkAllowed,
    rules: { 'no-restricted-syntax': ['error', noFocusedTests, ...noCjkLiterals] },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    files: ['*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  {
    files: ['scripts/**/*.mjs', '*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
