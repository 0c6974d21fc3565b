package caresim

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"
)

// maxMethods is the bar of the package's types: a type with more methods
// than this is doing too many things for a reader to know where a change
// belongs. Server is assembled from parts by area (see its comment); a new
// method goes on the part of its area, or a new part.
const maxMethods = 30

// TestNoTypeHasTooManyMethods counts the methods declared on each type of
// the package (promoted methods are not counted: they are declared on the
// embedded part).
func TestNoTypeHasTooManyMethods(t *testing.T) {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	count := map[string]int{}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || len(fd.Recv.List) == 0 {
				continue
			}
			typ := fd.Recv.List[0].Type
			if star, ok := typ.(*ast.StarExpr); ok {
				typ = star.X
			}
			if id, ok := typ.(*ast.Ident); ok {
				count[id.Name]++
			}
		}
	}
	if count["Server"] == 0 {
		t.Fatal("found no methods of Server: is the test reading the package's files?")
	}
	for typ, n := range count {
		if n > maxMethods {
			t.Errorf("type %s has %d methods, more than %d: move some to a part of its own", typ, n, maxMethods)
		}
	}
}
