// ESLint for the Lightning web component: Salesforce's recommended LWC rules
// (@salesforce/eslint-config-lwc), the ones the Salesforce CLI's project template
// uses. npm run lint; CI runs it (make salesforce). The node scripts under
// scripts/ are tooling, not deployed: ESLint's own recommended rules for Node
// (for the browser, the sandbox console's modules in scripts/console/).
const lwcConfig = require('@salesforce/eslint-config-lwc');
const jest = require('eslint-plugin-jest');
const js = require('@eslint/js');
const globals = require('globals');

module.exports = [
    { ignores: ['node_modules/**', 'build/**', '.jest/**', 'coverage/**', 'scripts/screenshot/**'] },
    ...lwcConfig.configs.recommended.map((c) => ({ ...c, files: ['force-app/**/lwc/**/*.js'] })),
    {
        files: ['force-app/**/lwc/**/__tests__/**/*.js'],
        ...jest.configs['flat/recommended'],
        languageOptions: { globals: { ...globals.node, ...globals.jest } },
        // As in the Salesforce CLI's project template: tests emit through the wire adapters' test API.
        rules: { ...jest.configs['flat/recommended'].rules, '@lwc/lwc/no-unexpected-wire-adapter-usages': 'off' }
    },
    {
        files: ['scripts/**/*.js', '*.config.js'],
        ...js.configs.recommended,
        languageOptions: { sourceType: 'commonjs', ecmaVersion: 2022, globals: { ...globals.node } }
    },
    // The Salesforce sandbox console's browser modules (bundled by scripts/console.js).
    {
        files: ['scripts/console/**/*.js'],
        ...js.configs.recommended,
        languageOptions: { sourceType: 'module', ecmaVersion: 2022, globals: { ...globals.browser } }
    }
];
