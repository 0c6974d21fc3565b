// Package helm holds the tests of the carebridge Helm chart
// (configs/helm/carebridge). It is a module of its own so that Helm's and
// Kubernetes' libraries, which only these tests need, stay out of the
// daemon's go.mod.
package helm
