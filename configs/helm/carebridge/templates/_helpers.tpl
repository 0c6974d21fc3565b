{{/* Names and labels. */}}
{{- define "carebridge.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "carebridge.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "carebridge.selectorLabels" -}}
app.kubernetes.io/name: {{ include "carebridge.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "carebridge.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "carebridge.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "carebridge.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "carebridge.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "carebridge.secretName" -}}
{{- default (include "carebridge.fullname" .) .Values.existingSecret }}
{{- end }}

{{/* Where the ConfigMap and the secret files are mounted. */}}
{{- define "carebridge.configDir" -}}/etc/carebridge/config{{- end }}
{{- define "carebridge.secretsDir" -}}/etc/carebridge/secrets{{- end }}

{{/* The port number of a listen address (":8080", "0.0.0.0:8080"). */}}
{{- define "carebridge.port" -}}
{{- $port := regexReplaceAll "^.*:" (toString .) "" }}
{{- if not (regexMatch "^[0-9]+$" $port) }}
{{- fail (printf "listen address %q: want host:port or :port" (toString .)) }}
{{- end }}
{{- $port }}
{{- end }}

{{/* The admin listen address, "" when /admin/ is served on listen. */}}
{{- define "carebridge.adminListen" -}}
{{- $admin := .Values.config.admin }}
{{- if kindIs "map" $admin }}{{ get $admin "listen" | default "" }}{{ end }}
{{- end }}

{{/*
The daemon's configuration file: .Values.config, checked to hold no secret,
with the secret files, Sentinel and the mapping file wired in.
*/}}
{{- define "carebridge.config" -}}
{{- $cfg := deepCopy (.Values.config | default dict) }}
{{- /* Secret values have *_file settings; they never go in the ConfigMap. */}}
{{- range $key := list "care.token" "care.secret" "care.bearer_token" "care.webhook_secret" "salesforce.client_secret" "salesforce.password" "salesforce.refresh_token" "admin.token" "redis.password" "redis.sentinel.password" }}
{{- $node := $cfg }}
{{- $parts := splitList "." $key }}
{{- range $p := initial $parts }}
{{- if kindIs "map" $node }}{{ $node = get $node $p }}{{ end }}
{{- end }}
{{- if and (kindIs "map" $node) (hasKey $node (last $parts)) }}
{{- fail (printf "config.%s is a secret: put it in the Secret %q and name its key in secretFiles (%s_file), never in the ConfigMap" $key (include "carebridge.secretName" $) $key) }}
{{- end }}
{{- end }}
{{- $redis := get $cfg "redis" }}
{{- if and (kindIs "map" $redis) (regexMatch "^rediss?://[^/@]*:[^/@]+@" (toString (get $redis "url"))) }}
{{- fail "config.redis.url holds a password: put the URL in the Secret and name its key in redisURLSecretKey, or the password in secretFiles (redis.password_file)" }}
{{- end }}
{{- $sf := get $cfg "salesforce" | default dict }}
{{- if and (ne (toString (get $sf "auth_method")) "password") (not (get $sf "client_id")) }}
{{- fail "config.salesforce.client_id is required: the consumer key of the Salesforce connected app (--set config.salesforce.client_id=...)" }}
{{- end }}
{{- /* Each secret file: config key -> mounted path of its key in the Secret. */}}
{{- range $key, $secretKey := .Values.secretFiles }}
{{- if not (hasSuffix "_file" $key) }}
{{- fail (printf "secretFiles: %q is not a *_file setting of the daemon" $key) }}
{{- end }}
{{- if not (regexMatch "^[-._a-zA-Z0-9]+$" (toString $secretKey)) }}
{{- fail (printf "secretFiles.%s: %q is not a Secret key" $key (toString $secretKey)) }}
{{- end }}
{{- $parts := splitList "." $key }}
{{- $node := $cfg }}
{{- range $p := initial $parts }}
{{- if not (kindIs "map" (get $node $p)) }}{{ $_ := set $node $p dict }}{{ end }}
{{- $node = get $node $p }}
{{- end }}
{{- $_ := set $node (last $parts) (printf "%s/%s" (include "carebridge.secretsDir" $) $secretKey) }}
{{- end }}
{{- if .Values.sentinel.enabled }}
{{- if not .Values.sentinel.addrs }}
{{- fail "sentinel.enabled: list the sentinels in sentinel.addrs (host:port each)" }}
{{- end }}
{{- if not .Values.sentinel.masterName }}
{{- fail "sentinel.enabled: sentinel.masterName is required" }}
{{- end }}
{{- if not (kindIs "map" (get $cfg "redis")) }}{{ $_ := set $cfg "redis" dict }}{{ end }}
{{- $redis = get $cfg "redis" }}
{{- $_ := unset $redis "url" }}
{{- $_ := set $redis "sentinel" (dict "master_name" .Values.sentinel.masterName "addrs" .Values.sentinel.addrs) }}
{{- end }}
{{- if .Values.mapping }}
{{- if not (kindIs "map" (get $cfg "mapping")) }}{{ $_ := set $cfg "mapping" dict }}{{ end }}
{{- $_ := set (get $cfg "mapping") "file" (printf "%s/mapping.yaml" (include "carebridge.configDir" .)) }}
{{- end }}
{{- toYaml $cfg }}
{{- end }}
