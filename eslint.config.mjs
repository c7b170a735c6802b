// npm run lint: ESLint's and typescript-eslint's recommended rules, plus the formatting the code
// follows (@stylistic). test/lint.test.ts keeps it at zero findings (CONTRIBUTING.md).
import js from "@eslint/js";
import stylistic from "@stylistic/eslint-plugin";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/", "dist/", "**/dist/", "docs/api/", "out/", "test-output/", "src/proto/*.generated.*",
      "bench/results/", "explain-out/", ".whl/", ".gl/",
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    plugins: { "@stylistic": stylistic },
    rules: {
      // A leading underscore marks what is unused on purpose: a parameter a signature needs,
      // a `using` guard, a loop variable; rest siblings omit keys from a copy.
      "@typescript-eslint/no-unused-vars": ["error", {
        argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", ignoreRestSiblings: true,
      }],
      "@stylistic/semi": ["error", "always"],
      "@stylistic/quotes": ["error", "double", { avoidEscape: true, allowTemplateLiterals: "always" }],
      "@stylistic/indent": ["error", 2, { flatTernaryExpressions: true, offsetTernaryExpressions: true }],
      "@stylistic/comma-dangle": ["error", "always-multiline"],
      "@stylistic/no-trailing-spaces": "error",
      "@stylistic/eol-last": "error",
    },
  },
  {
    // JavaScript run by Node (TypeScript files get their globals from tsc, which knows them).
    files: ["tools/**/*.mjs", "lib/**/*.cjs", "lib/deps.node.js"],
    languageOptions: { globals: { process: "readonly", URL: "readonly", console: "readonly" } },
  },
  {
    // CommonJS files: the require() shim and its types, the gl stub.
    files: ["**/*.cjs", "**/*.d.cts", "bench/stubs/**/*.js"],
    languageOptions: { sourceType: "commonjs", globals: { module: "writable", require: "readonly" } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
