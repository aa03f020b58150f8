module github.com/tokenize-go/tokenize

go 1.26.0
