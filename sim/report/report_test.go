package report

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/econsim/econsim/sim/compare"
	"github.com/econsim/econsim/sim/run"
	"github.com/econsim/econsim/sim/scenario"
	"github.com/econsim/econsim/sim/sweep"
)

const tinyRun = `rounds = 6
[population]
agents = 800
[tax]
period = 3
[planner]
kind = "saez"
elasticity = 0.5
`

func runDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	s, err := scenario.Parse("tiny.toml", []byte(tinyRun), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if _, err := run.Scenario(context.Background(), s, dir, run.Options{Workers: 2, Source: "tiny.toml"}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// checkReport: every plot exists as PNG (16 × 10 cm at 150 dpi, or taller
// for the grid of time series) and SVG, and report.html parses, inlines
// every plot and references nothing outside itself.
func checkReport(t *testing.T, files []string, plots []string) {
	t.Helper()
	dir := filepath.Dir(files[0])
	for _, name := range plots {
		b, err := os.ReadFile(filepath.Join(dir, name+".png"))
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s.png: %v", name, err)
		}
		wantH := 591 // 10 cm at 150 dpi
		if name == "series" || name == "households" {
			wantH = 827 // 14 cm
		}
		if cfg.Width != 945 || cfg.Height != wantH {
			t.Errorf("%s.png is %d × %d, want 945 × %d", name, cfg.Width, cfg.Height, wantH)
		}
		img, _ := png.Decode(bytes.NewReader(b))
		colours := map[[4]uint32]bool{}
		for y := 0; y < cfg.Height; y += 7 {
			for x := 0; x < cfg.Width; x += 7 {
				r, g, bb, a := img.At(x, y).RGBA()
				colours[[4]uint32{r, g, bb, a}] = true
			}
		}
		if len(colours) < 3 {
			t.Errorf("%s.png looks blank (%d colours)", name, len(colours))
		}
		svg, err := os.ReadFile(filepath.Join(dir, name+".svg"))
		if err != nil || !bytes.Contains(svg, []byte("<svg")) || len(svg) < 2000 {
			t.Errorf("%s.svg missing or nearly empty (%d bytes, %v)", name, len(svg), err)
		}
	}
	page, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	svgs := 0
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "svg":
				svgs++
			case "script", "link", "iframe", "img", "object", "embed":
				t.Errorf("report.html has a <%s> element", n.Data)
			}
			for _, a := range n.Attr {
				if (a.Key == "src" || a.Key == "href" || a.Key == "xlink:href") && !strings.HasPrefix(a.Val, "#") && !strings.HasPrefix(a.Val, "data:") {
					t.Errorf("report.html references %s=%q", a.Key, a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if svgs != len(plots) {
		t.Errorf("report.html inlines %d SVGs, want %d", svgs, len(plots))
	}
	if bytes.Contains(page, []byte("http://")) && !bytes.Contains(page, []byte("http://www.w3.org/")) {
		t.Error("report.html mentions a URL other than the SVG namespace")
	}
}

func TestRunReport(t *testing.T) {
	dir := runDir(t)
	files, err := Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, files, []string{"tax", "lorenz", "series", "hours"})
	page, _ := os.ReadFile(files[0])
	for _, want := range []string{"Gini", "Tax schedule", "[planner]", "welfare_utilitarian"} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("report.html lacks %q", want)
		}
	}
}

func TestSweepReport(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "base.toml"), []byte("rounds = 3\n[population]\nagents = 300\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "s.toml"), []byte(`base = "base.toml"
replicates = 4
[[variant]]
name = "none"
set = { "planner.kind" = "none" }
[[variant]]
name = "flat"
set = { "planner.kind" = "flat", "planner.rate" = 0.3 }
`), 0o644)
	s, err := sweep.Load(filepath.Join(dir, "s.toml"), 0)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	if _, err := s.Execute(context.Background(), out, sweep.Options{Workers: 2}); err != nil {
		t.Fatal(err)
	}
	files, err := Write(out)
	if err != nil {
		t.Fatal(err)
	}
	plots := []string{"plane"}
	for _, m := range compare.DefaultMetrics() {
		plots = append(plots, "box-"+m)
	}
	checkReport(t, files, plots)
	page, _ := os.ReadFile(files[0])
	if !bytes.Contains(page, []byte("<th>diff 95% CI</th>")) || !bytes.Contains(page, []byte("Pareto front")) {
		t.Error("the sweep report lacks the comparison table or the front")
	}
}

// TestHouseholdReport: a savers' run draws the wealth Lorenz curve and the
// households' series in place of hours.
func TestHouseholdReport(t *testing.T) {
	dir := t.TempDir()
	s, err := scenario.Parse("savers.toml", []byte(`rounds = 4
[population]
agents = 3000
[agents]
behavior = "saver"
[tax]
cutoffs = [0]
period = 2
[planner]
kind = "none"
[market]
kind = "production"
alpha = 0.36
depreciation = 0.08
`), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := run.Scenario(context.Background(), s, dir, run.Options{Workers: 2, Source: "savers.toml"}); err != nil {
		t.Fatal(err)
	}
	files, err := Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, files, []string{"tax", "wealth", "households", "series"})
	page, _ := os.ReadFile(files[0])
	for _, want := range []string{"Wealth Lorenz curve", "stationary equilibrium before round 0", "interest_rate"} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("report.html lacks %q", want)
		}
	}
}

// TestReformReport: a run in which households foresee a reform draws who
// gains and the path against the simulation.
func TestReformReport(t *testing.T) {
	dir := t.TempDir()
	s, err := scenario.Parse("reform.toml", []byte(`rounds = 6
[population]
agents = 3000
[agents]
behavior = "saver"
grid_points = 100
transition_horizon = 300
[tax]
cutoffs = [0]
period = 2
[planner]
kind = "fixed"
instrument = "wealth_rate"
rates = [0]
switch_round = 2
after = [0.01]
[market]
kind = "production"
alpha = 0.36
depreciation = 0.08
`), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := run.Scenario(context.Background(), s, dir, run.Options{Workers: 2, Source: "reform.toml"}); err != nil {
		t.Fatal(err)
	}
	files, err := Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, files, []string{"tax", "wealth", "households", "series", "gains", "path"})
}
