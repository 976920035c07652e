{{/* Chart name, truncated to the 63 characters of a DNS label. */}}
{{- define "sockscope.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Object name prefix: <release>-<chart>, or the release name when it already holds the chart name. */}}
{{- define "sockscope.fullname" -}}
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

{{- define "sockscope.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Selector labels: immutable, so never helm.sh/chart or the version. */}}
{{- define "sockscope.selectorLabels" -}}
app.kubernetes.io/name: {{ include "sockscope.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Labels of every object. */}}
{{- define "sockscope.labels" -}}
helm.sh/chart: {{ include "sockscope.chart" . }}
{{ include "sockscope.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: sockscope
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* `release: <name>` for kube-prometheus-stack's default selectors, when asked for. */}}
{{- define "sockscope.releaseLabel" -}}
{{- if .Values.releaseLabel }}
release: {{ .Release.Name }}
{{- end }}
{{- end }}

{{- define "sockscope.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "sockscope.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "sockscope.image" -}}
{{- $repo := printf "%s/%s" .Values.image.registry .Values.image.repository | trimPrefix "/" }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" $repo .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" $repo (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* The downward-API facts every agent role reads (docs/architecture.md). */}}
{{- define "sockscope.downwardEnv" -}}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: POD_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
- name: NODE_NAME
  valueFrom:
    fieldRef:
      fieldPath: spec.nodeName
{{- end }}

{{/* Native sidecar on or off: `auto` follows the cluster version (SidecarContainers beta, on by default, since 1.29). */}}
{{- define "sockscope.nativeSidecar" -}}
{{- $native := .Values.sidecar.native }}
{{- if eq (toString $native) "auto" }}
{{- semverCompare ">=1.29.0-0" .Capabilities.KubeVersion.Version | toString }}
{{- else }}
{{- $native | toString }}
{{- end }}
{{- end }}

{{- define "sockscope.injectorName" -}}
{{- printf "%s-injector" (include "sockscope.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The injector's Service DNS name: the serving certificate's SAN. */}}
{{- define "sockscope.injectorHost" -}}
{{- printf "%s.%s.svc" (include "sockscope.injectorName" .) .Release.Namespace }}
{{- end }}

{{/* The ConfigMap the prober publishes peer names into and every sidecar mounts (docs/kubernetes.md). */}}
{{- define "sockscope.peerNamesConfigMap" -}}
{{ include "sockscope.fullname" . }}-peer-names
{{- end }}
