// Package eventbus is the generated Go code of the Salesforce Pub/Sub API
// (service eventbus.v1.PubSub), from pubsub_api.proto in this directory.
//
// The generated files are committed so that builds need no protoc. To
// regenerate, install protoc (apt-get install protobuf-compiler) and the
// plugins
//
//	go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12
//	go install google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.6.2
//
// and run `go generate ./connectors/salesforce/pubsub/eventbus`.
package eventbus

//go:generate protoc --go_out=. --go_opt=paths=source_relative --go-grpc_out=. --go-grpc_opt=paths=source_relative pubsub_api.proto
