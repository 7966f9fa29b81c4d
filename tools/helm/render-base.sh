#!/usr/bin/env bash
# The chart in deploy/helm/kubetunnel is the one source of the controller's manifests: this renders it with its
# default values (`helm template`) into the kustomize base deploy/*.yaml. Run it after editing the chart or
# deploy/crds or routes/; HelmChartIT fails while the committed files differ from what this writes.
#   tools/helm/render-base.sh            refresh the chart's copies (crds/, files/) and deploy/*.yaml
#   tools/helm/render-base.sh OUT_DIR    only render the base files into OUT_DIR (what the test compares)
# KUBETUNNEL_HELM names a helm binary; else tools/helm/build.sh builds (or finds) one.
set -euo pipefail
cd "$(dirname "$0")/../.."
chart=deploy/helm/kubetunnel
# Templates that are base files; the routes ConfigMap is kustomize's configMapGenerator in the base.
base=(serviceaccount clusterrole clusterrolebinding leader-election-role deployment service)

helm=${KUBETUNNEL_HELM:-$(tools/helm/build.sh | tail -1)}
out=${1:-deploy}
if [[ $# -eq 0 ]]; then
  rm -f "$chart"/crds/* && cp deploy/crds/* "$chart/crds/"
  cp routes/controller.camel.yaml "$chart/files/controller.camel.yaml"
fi
mkdir -p "$out"
rendered=$("$helm" template kubetunnel "$chart" --namespace kubetunnel-system)
for name in "${base[@]}"; do
  {
    echo "# Generated from $chart/templates/$name.yaml by tools/helm/render-base.sh: edit the chart, not this file."
    # helm prints each document after "---" and "# Source: <template>"; a template of two documents comes twice.
    awk -v src="# Source: kubetunnel/templates/$name.yaml" '
      $0 == "---" { pending = 1; next }
      pending { pending = 0; on = ($0 == src); if (on && seen++) print "---"; next }
      on { print }' <<<"$rendered"
  } > "$out/$name.yaml"
done
echo "rendered $chart into $out/: ${base[*]/%/.yaml}" >&2
