package main

import "testing"

func TestParseBytes(t *testing.T) {
	for _, c := range []struct {
		in   string
		want uint64
	}{{"123", 123}, {"4G", 4 << 30}, {"512m", 512 << 20}, {" 2T ", 2 << 40}, {"8GB", 8 << 30}, {"1K", 1024}} {
		if got, err := parseBytes(c.in); err != nil || got != c.want {
			t.Errorf("parseBytes(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "G", "0", "-1G", "1.5G", "99999999999T", "lots"} {
		if n, err := parseBytes(bad); err == nil {
			t.Errorf("parseBytes(%q) = %d, want an error", bad, n)
		}
	}
}

// FuzzParseBytes: any text is a positive byte count or an error, never a
// panic or a wrapped-around count.
func FuzzParseBytes(f *testing.F) {
	for _, s := range []string{"8G", "", "B", "17179869184T"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseBytes(s)
		if err == nil && n == 0 {
			t.Fatalf("parseBytes(%q) = 0 without an error", s)
		}
	})
}
