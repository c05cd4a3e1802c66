package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

var (
	mdLink    = regexp.MustCompile(`\]\(([^)\s]+)\)`)
	mdHeading = regexp.MustCompile(`(?m)^#+ (.*)$`)
)

// slug is GitHub's anchor for a heading: lower case, spaces to hyphens,
// other punctuation dropped.
func slug(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(h)) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// TestDocLinks: every relative link in the README, the changelog and the
// pages under docs/ names a file that exists and, into a page, a heading
// it has, so that moving a section cannot leave a link behind.
func TestDocLinks(t *testing.T) {
	pages, _ := filepath.Glob(filepath.Join(repoRoot, "docs", "*.md"))
	pages = append(pages, filepath.Join(repoRoot, "README.md"), filepath.Join(repoRoot, "CHANGELOG.md"))
	anchors := map[string]map[string]bool{}
	read := func(p string) string {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, p := range pages {
		anchors[filepath.Clean(p)] = map[string]bool{}
		for _, m := range mdHeading.FindAllStringSubmatch(read(p), -1) {
			anchors[filepath.Clean(p)][slug(m[1])] = true
		}
	}
	for _, p := range pages {
		for _, m := range mdLink.FindAllStringSubmatch(read(p), -1) {
			link := m[1]
			if strings.Contains(link, "://") || strings.HasPrefix(link, "mailto:") {
				continue
			}
			path, anchor, _ := strings.Cut(link, "#")
			target := filepath.Clean(p)
			if path != "" {
				target = filepath.Clean(filepath.Join(filepath.Dir(p), path))
			}
			if _, err := os.Stat(target); err != nil {
				t.Errorf("%s: link %q: %v", filepath.Base(p), link, err)
				continue
			}
			if anchor != "" && strings.HasSuffix(target, ".md") && !anchors[target][anchor] {
				t.Errorf("%s: link %q: no heading %q there", filepath.Base(p), link, anchor)
			}
		}
	}
}
