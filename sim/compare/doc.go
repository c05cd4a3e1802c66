// Package compare gives the statistics of a sweep across seeds: per group
// (a variant, or a value of a grid key) n, mean, standard deviation and a
// Student-t 95% confidence interval of each metric; paired differences
// against a baseline group over the same seeds (mean, 95% CI, paired t-test
// p-value, win rate); the worst seed and the mean of the worst 10%; and the
// groups on the Pareto front of (equality, productivity). Every metric is
// taken as maximised.
package compare
