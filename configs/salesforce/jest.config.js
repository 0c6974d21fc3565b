const { jestConfig } = require('@salesforce/sfdx-lwc-jest/config');

module.exports = {
    ...jestConfig,
    // fixtures.js beside the tests is a helper, not a test file
    testMatch: ['**/__tests__/**/*.test.js'],
    modulePathIgnorePatterns: ['<rootDir>/.localdevserver', '<rootDir>/build'],
    testPathIgnorePatterns: [...(jestConfig.testPathIgnorePatterns || []), '<rootDir>/scripts/']
};
