// Package configs ships carebridge's default configuration files inside the
// binary: the Salesforce metadata (DX source), the default field mapping and
// the platform rule data. Admins override them with files of their own.
package configs

import (
	"embed"
	"io/fs"
)

//go:embed salesforce/sfdx-project.json salesforce/force-app mapping.yaml rules.yaml
var files embed.FS

// FS returns the shipped configuration tree (read-only).
func FS() fs.FS { return files }

// SalesforceMetadata returns the Salesforce DX source tree rooted at
// configs/salesforce.
func SalesforceMetadata() fs.FS {
	sub, err := fs.Sub(files, "salesforce")
	if err != nil { // cannot happen: the directory is embedded above
		return files
	}
	return sub
}

// Mapping returns the default field mapping (configs/mapping.yaml).
func Mapping() []byte { return mustRead("mapping.yaml") }

// Rules returns the shipped platform rule data (configs/rules.yaml).
func Rules() []byte { return mustRead("rules.yaml") }

func mustRead(name string) []byte {
	b, err := files.ReadFile(name)
	if err != nil { // cannot happen: the file is embedded above
		return nil
	}
	return b
}
