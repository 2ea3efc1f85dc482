{{- define "esc-operator.name" -}}
{{ .Release.Name }}-eventstreamcore-operator
{{- end -}}

{{- define "esc-operator.labels" -}}
app.kubernetes.io/name: eventstreamcore-operator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}
