// Package report draws a run's or a sweep's results (gonum.org/v1/plot) and
// writes a self-contained report.html: every picture is inlined as SVG, no
// script, font or image is fetched, and the page prints. PNG and SVG files
// of each plot are written beside it.
//
// A run's report: the marginal and average tax rate against income (log
// income axis), Lorenz curves of pre-tax income and consumption with their
// Gini in the legend, the time series of equality, productivity, the
// planner's objective and revenue with the tax periods marked, and hours
// against skill. A sweep's report: the equality–productivity plane with each
// group's mean and 95% intervals and the Pareto front, box plots of each
// compared metric across seeds, and the comparison table of `sim compare`.
//
// Colours are the Okabe–Ito palette, which colour-blind readers tell apart,
// and every series also differs in dash pattern or marker, so the plots
// survive greyscale printing.
package report
