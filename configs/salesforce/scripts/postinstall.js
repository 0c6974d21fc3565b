// npm ci / npm install runs this: a go.mod in node_modules makes it a module of
// its own, so that the carebridge module's `go vet ./...`, staticcheck and
// `go test ./...` do not take Go files some npm packages ship (flatted, through
// ESLint) for packages of carebridge.
'use strict';

const fs = require('fs');
const path = require('path');

const dir = path.join(__dirname, '..', 'node_modules');
if (fs.existsSync(dir)) {
    fs.writeFileSync(path.join(dir, 'go.mod'), 'module carebridge.invalid/salesforce-node-modules\n\ngo 1.21\n');
}
