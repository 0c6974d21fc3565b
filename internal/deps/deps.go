// Package deps pins the project's dependencies while the packages that use
// them are being written. Delete it once every import below is used elsewhere.
package deps

import (
	_ "github.com/alicebob/miniredis/v2"
	_ "github.com/getkin/kin-openapi/openapi3"
	_ "github.com/golang-jwt/jwt/v5"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/prometheus/client_golang/prometheus/promhttp"
	_ "github.com/prometheus/client_golang/prometheus/testutil"
	_ "github.com/redis/go-redis/v9"
	_ "github.com/robfig/cron/v3"
	_ "github.com/simpleforce/simpleforce"
	_ "go.yaml.in/yaml/v3"
)
