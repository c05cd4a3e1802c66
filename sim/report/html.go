package report

import (
	"bytes"
	"html/template"
	"strings"
)

// page is what report.html shows.
type page struct {
	Title    string
	Subtitle string
	Facts    [][2]string // label, value
	Figures  []pageFigure
	Table    *pageTable
	Scenario string // the resolved scenario, shown as text
}

type pageFigure struct {
	Title, Caption, File string
	SVG                  template.HTML
}

type pageTable struct {
	Caption string
	Head    []string
	Rows    [][]string
}

// inlineSVG strips the XML prologue so the SVG can sit inside HTML.
func inlineSVG(b []byte) template.HTML {
	s := string(b)
	if i := strings.Index(s, "<svg"); i > 0 {
		s = s[i:]
	}
	return template.HTML(s)
}

var pageTemplate = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; color: #111; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #999; }
.sub { color: #444; margin-top: 0; }
table { border-collapse: collapse; font-size: 0.9rem; margin: 0.5rem 0; }
th, td { border: 1px solid #bbb; padding: 0.2rem 0.5rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
figure { margin: 1.5rem 0; page-break-inside: avoid; }
figure svg { width: 100%; height: auto; }
figcaption { font-size: 0.9rem; color: #333; }
pre { background: #f4f4f4; padding: 0.8rem; font-size: 0.8rem; overflow-x: auto; }
@media print { body { margin: 0; max-width: none; } h2 { page-break-after: avoid; } pre { white-space: pre-wrap; } }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p class="sub">{{.Subtitle}}</p>
{{if .Facts}}<table>{{range .Facts}}<tr><th>{{index . 0}}</th><td>{{index . 1}}</td></tr>{{end}}</table>{{end}}
{{if .Table}}<h2>Comparison</h2>
<p>{{.Table.Caption}}</p>
<table>
<tr>{{range .Table.Head}}<th>{{.}}</th>{{end}}</tr>
{{range .Table.Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table>{{end}}
{{range .Figures}}<h2>{{.Title}}</h2>
<figure>{{.SVG}}
<figcaption>{{.Caption}} (Also as {{.File}}.png and {{.File}}.svg.)</figcaption>
</figure>
{{end}}
{{if .Scenario}}<h2>Scenario</h2>
<pre>{{.Scenario}}</pre>{{end}}
</body>
</html>
`))

func (p page) render() ([]byte, error) {
	var b bytes.Buffer
	if err := pageTemplate.Execute(&b, p); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
