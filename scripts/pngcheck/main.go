// Command pngcheck fails when a PNG looks blank: it counts the distinct
// colours on a grid of samples and exits 1 when there are fewer than -min.
// scripts/e2e-report.sh uses it on Chromium's screenshot of a report.
package main

import (
	"flag"
	"fmt"
	"image/png"
	"os"
)

func main() {
	minColours := flag.Int("min", 8, "fewest distinct colours a non-blank image has")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: pngcheck [-min N] FILE.png")
		os.Exit(2)
	}
	f, err := os.Open(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "pngcheck:", err)
		os.Exit(1)
	}
	img, err := png.Decode(f)
	if err != nil {
		fmt.Fprintln(os.Stderr, "pngcheck:", err)
		os.Exit(1)
	}
	b := img.Bounds()
	seen := map[[4]uint32]bool{}
	nonWhite := 0
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = true
			if r < 0xf000 || g < 0xf000 || bl < 0xf000 {
				nonWhite++
			}
		}
	}
	fmt.Printf("%s: %d × %d, %d colours, %d non-white samples\n", flag.Arg(0), b.Dx(), b.Dy(), len(seen), nonWhite)
	if len(seen) < *minColours || nonWhite < 100 {
		fmt.Fprintln(os.Stderr, "pngcheck: the image looks blank")
		os.Exit(1)
	}
}
