#!/usr/bin/env bash
# The chart in deploy/helm/kubetunnel is the one source of the controller's manifests: this renders it with its
# default values (`helm template`) into the kustomize base deploy/*.yaml. Run it after editing the chart or
# the routes; HelmChartIT fails while the committed files differ from what this writes. The chart's crds/ and
# files/controller.camel.yaml are symlinks to deploy/crds and deploy/routes, so those need no refresh.
#   tools/helm/render-base.sh            refresh deploy/*.yaml
#   tools/helm/render-base.sh OUT_DIR    render them into OUT_DIR instead (what the test compares)
# KUBETUNNEL_HELM names a helm binary; else tools/helm/build.sh builds (or finds) one.
set -euo pipefail
cd "$(dirname "$0")/../.."
chart=deploy/helm/kubetunnel
# Templates that are base files; the routes ConfigMap is kustomize's configMapGenerator in the base.
base=(serviceaccount clusterrole clusterrolebinding leader-election-role deployment service)

helm=${KUBETUNNEL_HELM:-$(tools/helm/build.sh | tail -1)}
out=${1:-deploy}
mkdir -p "$out"
# helm warns on stderr that it follows the chart's symlinks: expected, so keep only real errors.
rendered=$("$helm" template kubetunnel "$chart" --namespace kubetunnel-system 2> >(grep -v "found symbolic link in path" >&2))
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
# The optional ServiceMonitor is the kustomize component deploy/components/servicemonitor.
mkdir -p "$out/components/servicemonitor"
{
  echo "# Generated from $chart/templates/servicemonitor.yaml by tools/helm/render-base.sh: edit the chart, not this file."
  "$helm" template kubetunnel "$chart" --namespace kubetunnel-system --set serviceMonitor.enabled=true \
    --show-only templates/servicemonitor.yaml 2> >(grep -v "found symbolic link in path" >&2) | grep -v '^---$\|^# Source: '
} > "$out/components/servicemonitor/servicemonitor.yaml"
echo "rendered $chart into $out/: ${base[*]/%/.yaml} components/servicemonitor/servicemonitor.yaml" >&2
