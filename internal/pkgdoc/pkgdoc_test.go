// Package pkgdoc checks the repository's packages: every directory with Go source has exactly
// one package comment, which says what the package is for.
package pkgdoc

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOnePackageCommentPerDirectory(t *testing.T) {
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		name := d.Name()
		if path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules" || name == "cdk.out") {
			return filepath.SkipDir
		}
		checkDir(t, path)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func checkDir(t *testing.T, dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var withDoc []string
	sources := 0
	fset := token.NewFileSet()
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		sources++
		f, err := parser.ParseFile(fset, filepath.Join(dir, n), nil, parser.PackageClauseOnly|parser.ParseComments)
		if err != nil {
			t.Errorf("parsing %s: %v", filepath.Join(dir, n), err)
			continue
		}
		if f.Doc != nil {
			withDoc = append(withDoc, n)
		}
	}
	if sources == 0 {
		return
	}
	if len(withDoc) != 1 {
		t.Errorf("%s: %d files carry a package comment %v, want exactly one (doc.go by convention)", dir, len(withDoc), withDoc)
	}
}
