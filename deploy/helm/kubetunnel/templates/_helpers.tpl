{{/* Names and labels are fixed, not derived from the release: Camel's leader election counts only pods with
these labels (ControllerApplication.CONTROLLER_POD_LABELS), and the kustomize base uses the same names. */}}
{{- define "kubetunnel.name" -}}kubetunnel-controller{{- end }}

{{- define "kubetunnel.labels" -}}
app.kubernetes.io/name: kubetunnel
app.kubernetes.io/component: controller
{{- end }}

{{- define "kubetunnel.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{- define "kubetunnel.validate" -}}
{{- if and (gt (int .Values.replicas) 1) (not .Values.leaderElection) -}}
{{- fail "replicas > 1 needs leaderElection: true (only the Lease holder may write)" -}}
{{- end -}}
{{- end }}
