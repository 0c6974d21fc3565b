const { jestConfig } = require('@salesforce/sfdx-lwc-jest/config');

module.exports = {
    ...jestConfig,
    // fixtures.js beside the tests is a helper, not a test file
    testMatch: ['**/__tests__/**/*.test.js'],
    // Custom Labels resolve to their values (scripts/labels.js writes .jest/labels
    // before the tests), so the tests read what an English-speaking agent reads.
    moduleNameMapper: {
        ...(jestConfig.moduleNameMapper || {}),
        '^@salesforce/label/c\\.(.+)$': '<rootDir>/.jest/labels/$1.js'
    },
    modulePathIgnorePatterns: ['<rootDir>/.localdevserver', '<rootDir>/build'],
    testPathIgnorePatterns: [...(jestConfig.testPathIgnorePatterns || []), '<rootDir>/scripts/']
};
