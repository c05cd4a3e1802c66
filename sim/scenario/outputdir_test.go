package scenario

import (
	"strings"
	"testing"
)

// TestOutputDirOfOverrides: runs with --set write to a folder named after
// the overrides, in the order given; seed, name and output.dir place the
// run themselves; characters a folder name should not hold become "_"; a
// long suffix keeps its start and a hash, which tells two long ones apart.
func TestOutputDirOfOverrides(t *testing.T) {
	long := func(x string) []string {
		return []string{"tax.cutoffs=[0,10000,20000,30000,40000,50000,60000,70000,80000,90000]", "planner.kind=flat", "planner.rate=" + x}
	}
	for _, c := range []struct {
		file string
		sets []string
		want string
	}{
		{"", nil, "results/f/seed-1"},
		{"", []string{"seed=7"}, "results/f/seed-7"},
		{"", []string{"planner.kind=flat", "planner.rate=0.2"}, "results/f+planner.kind=flat,planner.rate=0.2/seed-1"},
		{"", []string{"planner.rate=0.2", "planner.kind=flat"}, "results/f+planner.rate=0.2,planner.kind=flat/seed-1"},
		{"", []string{"name=g", "rounds=3"}, "results/g/seed-1"},
		{"", []string{"output.dir=out/x", "rounds=3"}, "out/x"},
		{"", []string{"planner.kind=flat", "planner.rate=0.2", "tax.cutoffs=[0, 50000]"}, "results/f+planner.kind=flat,planner.rate=0.2,tax.cutoffs=_0,_50000_/seed-1"},
		{"[output]\ndir = \"out/fixed\"\n", []string{"rounds=3"}, "out/fixed+rounds=3"},
		{"", long("0.1"), ""},
	} {
		s, err := Parse("f.toml", []byte(c.file), c.sets)
		if err != nil {
			t.Fatalf("%v: %v", c.sets, err)
		}
		got := s.OutputDir()
		if c.want != "" && got != c.want {
			t.Errorf("%v: %s, want %s", c.sets, got, c.want)
		}
		if c.want == "" {
			suffix := strings.TrimSuffix(strings.TrimPrefix(got, "results/f+"), "/seed-1")
			if len(suffix) != maxSuffix || !strings.HasPrefix(suffix, "tax.cutoffs=_0,10000,") {
				t.Errorf("long overrides: %s (%d characters), want %d starting with the overrides", suffix, len(suffix), maxSuffix)
			}
			other, _ := Parse("f.toml", nil, long("0.2"))
			if other.OutputDir() == got {
				t.Errorf("two long overrides share the folder %s", got)
			}
		}
	}
}
