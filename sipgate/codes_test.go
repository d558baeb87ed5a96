package sipgate

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"testing"
)

// TestCodesListed: every Code constant declared in this package is in
// RejectionCodes or ResultCodes, the lists the hosts' message tables, the
// TypeScript types and the docs are held to; and the core has a summary of
// its own for each. A new code cannot go unlisted, and so unworded.
func TestCodesListed(t *testing.T) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var declared []Code
	for _, f := range pkgs["sipgate"].Files {
		ast.Inspect(f, func(n ast.Node) bool {
			spec, ok := n.(*ast.ValueSpec)
			if !ok || spec.Type == nil || types(spec.Type) != "Code" {
				return true
			}
			for _, v := range spec.Values {
				if lit, ok := v.(*ast.BasicLit); ok {
					s, _ := strconv.Unquote(lit.Value)
					declared = append(declared, Code(s))
				}
			}
			return true
		})
	}
	if len(declared) < 10 {
		t.Fatalf("found %d Code constants; the parse looks wrong", len(declared))
	}
	all := Codes()
	for _, c := range declared {
		if !slices.Contains(all, c) {
			t.Errorf("Code %s is declared but in neither RejectionCodes nor ResultCodes", c)
		}
		if s := (&Problem{Code: c, Status: 499}).Summary(); s == string(c) {
			t.Errorf("Summary has no words for %s", c)
		}
	}
	if len(all) != len(declared) {
		t.Errorf("the lists hold %d codes, the package declares %d", len(all), len(declared))
	}
}

func types(e ast.Expr) string {
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}
