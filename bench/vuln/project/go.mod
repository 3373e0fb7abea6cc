module example.com/benchproject

go 1.21

require (
	golang.org/x/net v0.7.0
	gopkg.in/yaml.v2 v2.2.2
)
