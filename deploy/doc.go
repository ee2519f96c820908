// Package deploy holds goalbot's deployment files — the container image,
// docker-compose, Kubernetes manifests, the GitHub App manifest and an
// example configuration — and the tests that keep them loadable and in step
// with the binary. It has no code of its own.
package deploy
