{{/*
The sidecar: the one definition behind the injector's patch (sidecar.json), the manual snippet
(snippet.yaml, copied into docs/sidecar.md) and the PodMonitor's port. Change it here only.
*/}}
{{- define "sockscope.sidecar.container" -}}
name: sockscope
image: {{ include "sockscope.image" . }}
imagePullPolicy: {{ .Values.image.pullPolicy }}
args:
  - --role
  - sidecar
  - --config
  - /etc/sockscope/config.yaml
env:
  {{- include "sockscope.downwardEnv" . | nindent 2 }}
  {{- with .Values.sidecar.javaOpts }}
  - name: SOCKSCOPE_JAVA_OPTS
    value: {{ . | quote }}
  {{- end }}
{{- with .Values.sidecar.extraEnv }}
  {{- toYaml . | nindent 2 }}
{{- end }}
ports:
  - name: sockscope-metrics
    containerPort: {{ .Values.sidecar.port }}
    protocol: TCP
readinessProbe:
  httpGet:
    path: /readyz
    port: sockscope-metrics
  periodSeconds: 10
  failureThreshold: 3
livenessProbe:
  httpGet:
    path: /healthz
    port: sockscope-metrics
  initialDelaySeconds: 10
  periodSeconds: 20
  failureThreshold: 3
resources:
{{ toYaml .Values.sidecar.resources | indent 2 }}
securityContext:
{{ toYaml .Values.securityContext | indent 2 }}
volumeMounts:
  - name: sockscope-tmp
    mountPath: /tmp
  - name: sockscope-config
    mountPath: /etc/sockscope
    readOnly: true
  - name: sockscope-peer-names
    mountPath: /etc/sockscope/peers
    readOnly: true
{{- end }}

{{- define "sockscope.sidecar.volumes" -}}
- name: sockscope-tmp
  emptyDir:
    sizeLimit: 64Mi
- name: sockscope-config
  configMap:
    name: {{ include "sockscope.fullname" . }}-sidecar
    items:
      - key: config.yaml
        path: config.yaml
# Peer names published by the namespace prober (docs/kubernetes.md): optional, so a pod starts
# before the prober has written it (peers are IPs until the kubelet's next sync).
- name: sockscope-peer-names
  configMap:
    name: {{ include "sockscope.peerNamesConfigMap" . }}
    optional: true
{{- end }}

{{/* The sidecar's agent config file: chart-owned keys first, then the user's sections. */}}
{{- define "sockscope.sidecar.config" -}}
{{- $cfg := deepCopy (.Values.sidecar.config | default dict) }}
{{- $_ := set $cfg "role" "sidecar" }}
{{- $_ := set $cfg "port" (int .Values.sidecar.port) }}
{{- toYaml $cfg }}
{{- end }}

{{/* What to paste under spec.template.spec of a workload in the release namespace. */}}
{{- define "sockscope.sidecar.snippet" -}}
{{- $container := include "sockscope.sidecar.container" . | fromYaml }}
{{- if eq (include "sockscope.nativeSidecar" .) "true" }}
{{- $_ := set $container "restartPolicy" "Always" -}}
# Native sidecar (Kubernetes >= 1.29): an init container that keeps running.
initContainers:
{{- else -}}
# Regular container (Kubernetes < 1.29 or sidecar.native=false).
containers:
{{- end }}
{{ list $container | toYaml }}
volumes:
{{ include "sockscope.sidecar.volumes" . }}
{{- end }}
