module github.com/asaaudit/asaaudit

go 1.26.8

require (
	github.com/alecthomas/participle/v2 v2.1.4
	github.com/scrapli/scrapligo v1.4.3
	github.com/spf13/cobra v1.10.2
	golang.org/x/crypto v0.59.0
	golang.org/x/term v0.48.0
)

require (
	github.com/creack/pty v1.1.23 // indirect
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/sirikothe/gotextfsm v1.0.1-0.20200816110946-6aa2cfd355e4 // indirect
	github.com/spf13/pflag v1.0.9 // indirect
	golang.org/x/sys v0.50.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)
