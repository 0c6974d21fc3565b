package admin

import (
	"github.com/carebridge/carebridge/mapping"
)

// The form rows of the mapping editor (mapping.FormField): read from a
// mapping's YAML, and written back into it node by node, so that an edit
// keeps every comment and the file's layout.
type (
	FormField    = mapping.FormField
	FormValueMap = mapping.FormValueMap
	FormPair     = mapping.FormPair
)

// readForm reads the fields section of a mapping's YAML as form rows.
func readForm(data []byte) ([]FormField, error) { return mapping.ReadForm(data) }

// writeForm writes form rows into a mapping's YAML.
func writeForm(data []byte, fields []FormField) (string, error) {
	out, err := mapping.WriteForm(data, fields)
	return string(out), err
}
