// Package htmlreport renders a run's REPORT.md as REPORT.html for reading
// in a browser: the same content, converted by goldmark (GitHub tables),
// with a table of contents and the SVG charts REPORT.md links inlined, so
// that the file stands alone.
package htmlreport

import (
	"bytes"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// FileName is the page's name in a run directory.
const FileName = "REPORT.html"

// Entry is one heading of the table of contents.
type Entry struct {
	Level int
	ID    string
	Text  string
}

// Write reads runDir/REPORT.md and writes runDir/REPORT.html.
func Write(runDir string) error {
	md, err := os.ReadFile(filepath.Join(runDir, "REPORT.md"))
	if err != nil {
		return err
	}
	page, err := Render(md, runDir)
	if err != nil {
		return fmt.Errorf("REPORT.html: %w", err)
	}
	return os.WriteFile(filepath.Join(runDir, FileName), page, 0o644)
}

// Render converts md; images whose source is an .svg file under dir are
// replaced by the file's content.
func Render(md []byte, dir string) ([]byte, error) {
	gm := goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithParserOptions(parser.WithAutoHeadingID()))
	doc := gm.Parser().Parse(text.NewReader(md))
	var toc []Entry
	title := "Report"
	err := ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		h, ok := n.(*ast.Heading)
		if !ok || !entering {
			return ast.WalkContinue, nil
		}
		t := plain(h, md)
		if h.Level == 1 {
			title = t
			return ast.WalkSkipChildren, nil
		}
		if id, ok := h.AttributeString("id"); ok && h.Level <= 3 {
			toc = append(toc, Entry{Level: h.Level, ID: fmt.Sprint(string(id.([]byte))), Text: t})
		}
		return ast.WalkSkipChildren, nil
	})
	if err != nil {
		return nil, err
	}
	var body bytes.Buffer
	if err := gm.Renderer().Render(&body, md, doc); err != nil {
		return nil, err
	}
	inlined, err := inlineSVG(body.String(), dir)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	err = page.Execute(&out, struct {
		Title string
		TOC   []Entry
		Body  template.HTML
	}{title, toc, template.HTML(inlined)})
	return out.Bytes(), err
}

// plain is the text of a node's inline children.
func plain(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			b.Write(t.Segment.Value(src))
			if t.SoftLineBreak() {
				b.WriteByte(' ')
			}
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

var (
	imgRE    = regexp.MustCompile(`<img src="([^"]+\.svg)" alt="([^"]*)"\s*/?>`)
	prologRE = regexp.MustCompile(`(?s)^.*?(<svg\b)`)
)

// inlineSVG replaces each <img> of a local SVG with the SVG itself.
func inlineSVG(html, dir string) (string, error) {
	var firstErr error
	out := imgRE.ReplaceAllStringFunc(html, func(tag string) string {
		m := imgRE.FindStringSubmatch(tag)
		src := m[1]
		if strings.Contains(src, "://") || strings.HasPrefix(src, "/") || strings.Contains(src, "..") {
			return tag
		}
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(src)))
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			return tag
		}
		svg := prologRE.ReplaceAllString(string(b), "$1")
		return fmt.Sprintf(`<span class="chart" role="img" aria-label="%s">%s</span>`, m[2], svg)
	})
	return out, firstErr
}

var page = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; color: #1b1f24; margin: 0; line-height: 1.5; }
nav.toc { position: fixed; top: 0; left: 0; bottom: 0; width: 19rem; overflow: auto; padding: 1rem; box-sizing: border-box; background: #f4f6f9; border-right: 1px solid #d6dbe2; font-size: 0.9rem; }
nav.toc ul { list-style: none; margin: 0; padding: 0; }
nav.toc li.l3 { padding-left: 1rem; font-size: 0.85rem; }
nav.toc a { color: #0b5394; text-decoration: none; display: block; padding: 0.15rem 0; }
main { margin-left: 19rem; padding: 1rem 2rem 4rem; max-width: 78rem; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; display: block; overflow-x: auto; }
th, td { border: 1px solid #d6dbe2; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #eef2f7; }
blockquote { border-left: 4px solid #E69F00; margin: 1rem 0; padding: 0.2rem 1rem; background: #fffbea; }
code { background: #f1f3f5; padding: 0 0.2rem; }
span.chart { display: block; margin: 1rem 0; }
span.chart svg { width: 100%; max-width: 60rem; height: auto; }
@media (max-width: 60rem) { nav.toc { position: static; width: auto; } main { margin-left: 0; } }
@media print { nav.toc { display: none; } main { margin: 0; } }
</style>
</head>
<body>
<nav class="toc"><strong>Contents</strong><ul>
{{- range .TOC}}
<li class="l{{.Level}}"><a href="#{{.ID}}">{{.Text}}</a></li>
{{- end}}
</ul></nav>
<main>
{{.Body}}
</main>
</body>
</html>
`))
