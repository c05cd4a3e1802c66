module github.com/econsim/econsim

go 1.26.0

require (
	github.com/BurntSushi/toml v1.6.0
	github.com/sashabaranov/go-openai v1.43.0
	golang.org/x/sync v0.25.0
	golang.org/x/time v0.16.0
	gonum.org/v1/gonum v0.17.0
)

require golang.org/x/tools v0.30.0 // indirect
