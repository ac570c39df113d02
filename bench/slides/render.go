package slides

import (
	_ "embed"
	"html/template"
	"io"
)

//go:embed deck.html.tmpl
var deckHTML string

var deckTmpl = template.Must(template.New("deck").Funcs(template.FuncMap{
	"inc": func(i int) int { return i + 1 },
}).Parse(deckHTML))

// Render writes d as one self-contained HTML file: styles, charts and
// the navigation script inline, nothing fetched from the network.
func Render(w io.Writer, d *Deck) error {
	return deckTmpl.Execute(w, struct {
		Title string
		Deck  *Deck
	}{"WebSocket libraries compared: run " + d.Run, d})
}
