package admin

import (
	"errors"

	"github.com/carebridge/carebridge/mapping"
)

// ParseMapping validates a proposed mapping the way a running replica must:
// against the Salesforce metadata (schema), and for what it can switch to
// without a restart (where notes go cannot change, so a mapping whose notes
// section differs from running's is refused). Problems come back as an
// *InvalidError with their lines.
func ParseMapping(name string, yaml []byte, schema mapping.Schema, running *mapping.Mapping) (*mapping.Mapping, error) {
	m, err := mapping.Parse(name, yaml, schema)
	if err != nil {
		var ve *mapping.ValidationError
		if errors.As(err, &ve) {
			ie := &InvalidError{}
			for _, p := range ve.Problems {
				ie.Problems = append(ie.Problems, Problem{Line: p.Line, Message: p.Message})
			}
			return nil, ie
		}
		return nil, err
	}
	if running != nil && m.Notes() != running.Notes() {
		return nil, &InvalidError{Problems: []Problem{{Message: "the notes section differs from the running mapping's: where notes go " +
			"cannot change while carebridge runs. Change it in the mapping file (mapping.file) and restart, or keep the notes section as it is."}}}
	}
	return m, nil
}
