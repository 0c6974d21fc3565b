// Package archtest checks the rules of the code's structure that
// docs/architecture.md states, over every package of the module, so that a
// change that breaks one fails a test instead of waiting for a review.
package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// maxMethods is the most methods a type declares (promoted methods count on
// the part that declares them): past it a type does too many things for a
// reader to know where a change belongs.
const maxMethods = 30

// module is the repository's root, and its production Go files by package
// directory (tests, the Helm chart's own module and node_modules left out).
func module(t *testing.T) (string, map[string][]*ast.File) {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no go.mod at %s: %v", root, err)
	}
	fset := token.NewFileSet()
	pkgs := map[string][]*ast.File{}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "node_modules", ".git", "testdata", "helm":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		pkgs[filepath.ToSlash(rel)] = append(pkgs[filepath.ToSlash(rel)], f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs["bridge"]) == 0 {
		t.Fatal("found no files of package bridge: is the walk reading the module?")
	}
	return root, pkgs
}

func TestNoTypeHasTooManyMethods(t *testing.T) {
	_, pkgs := module(t)
	counts := map[string]int{}
	for dir, files := range pkgs {
		for _, f := range files {
			for _, d := range f.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok || fd.Recv == nil || len(fd.Recv.List) == 0 {
					continue
				}
				typ := fd.Recv.List[0].Type
				if star, ok := typ.(*ast.StarExpr); ok {
					typ = star.X
				}
				if idx, ok := typ.(*ast.IndexExpr); ok { // a generic type
					typ = idx.X
				}
				if idx, ok := typ.(*ast.IndexListExpr); ok {
					typ = idx.X
				}
				if id, ok := typ.(*ast.Ident); ok {
					counts[dir+"."+id.Name]++
				}
			}
		}
	}
	if counts["bridge.Engine"] == 0 {
		t.Fatal("found no methods of bridge.Engine: is the count reading the module?")
	}
	for typ, n := range counts {
		if n > maxMethods {
			t.Errorf("%s declares %d methods, more than %d: split it into parts by area (docs/architecture.md)", typ, n, maxMethods)
		}
	}
}

// TestMappingImportsNothingOfTheBridge: the mapping is the admins' model and
// the merge its policies mean; the engine uses them, never the reverse.
func TestMappingImportsNothingOfTheBridge(t *testing.T) {
	eachImport(t, func(dir, p string) {
		if (dir == "mapping" || strings.HasPrefix(dir, "mapping/")) && strings.HasPrefix(p, "github.com/carebridge/carebridge/bridge") {
			t.Errorf("%s imports %s", dir, p)
		}
	})
}

// TestOnlyTheCommandsImportTheDaemon: bridge/daemon assembles the parts;
// no part, and no back-end of a command (bridge/check), leans on it.
func TestOnlyTheCommandsImportTheDaemon(t *testing.T) {
	eachImport(t, func(dir, p string) {
		if !strings.HasPrefix(dir, "cmd/") && p == "github.com/carebridge/carebridge/bridge/daemon" {
			t.Errorf("%s imports %s, which only assembles: move what it needs to the package that owns it", dir, p)
		}
	})
}

// eachImport calls f with every import path of every production file and
// the directory of its package.
func eachImport(t *testing.T, f func(dir, path string)) {
	t.Helper()
	_, pkgs := module(t)
	for dir, files := range pkgs {
		for _, file := range files {
			for _, imp := range file.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				f(dir, p)
			}
		}
	}
}

// TestNoProductionCodeEvaluatesSOQL: production code sends its queries to
// Salesforce; the in-memory evaluator is the test doubles' engine.
func TestNoProductionCodeEvaluatesSOQL(t *testing.T) {
	eachImport(t, func(dir, path string) {
		if path == "github.com/carebridge/carebridge/internal/soqleval" {
			t.Errorf("%s imports %s", dir, path)
		}
	})
}

// TestQueueKeysAreSpelledInOnePackage: bridge/work owns the queue's key
// prefixes; every other production file writes keys through it.
func TestQueueKeysAreSpelledInOnePackage(t *testing.T) {
	_, pkgs := module(t)
	prefixes := []string{`"case:"`, `"action:"`, `"check:"`}
	for dir, files := range pkgs {
		if dir == "bridge/work" {
			continue
		}
		for _, f := range files {
			ast.Inspect(f, func(n ast.Node) bool {
				if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING && slices.Contains(prefixes, lit.Value) {
					t.Errorf("%s spells the queue key prefix %s; use bridge/work", dir, lit.Value)
				}
				return true
			})
		}
	}
}

// TestSalesforceIDsHaveOnePackage: the 18-character id's checksum is
// computed in connectors/salesforce/sfid only.
func TestSalesforceIDsHaveOnePackage(t *testing.T) {
	_, pkgs := module(t)
	const checksumAlphabet = `"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"`
	for dir, files := range pkgs {
		if dir == "connectors/salesforce/sfid" {
			continue
		}
		for _, f := range files {
			ast.Inspect(f, func(n ast.Node) bool {
				if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING && lit.Value == checksumAlphabet {
					t.Errorf("%s computes a Salesforce id checksum; use connectors/salesforce/sfid", dir)
				}
				return true
			})
		}
	}
}
