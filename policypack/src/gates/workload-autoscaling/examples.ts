/** Examples of `workload-autoscaling`, run by test/gates/examples.spec.ts. */
import { T } from "../../access/tokens";
import { childOf, cloudRunService, daemonSet, deployment, helmChart, hpa, job, rollout, statefulSet } from "../../../../test/fixtures/k8s";
import { at, change, examples, plus, without } from "../../../../test/support/examples";
import { mutate, res, UNKNOWN } from "../../../../test/support/fixtures";

/** The baseline: 0 the service Deployment, 1 its HPA, 2 a Cloud Run service. */
const HPA = 1;
const RUN = 2;
const CPU_TARGET = "spec.metrics.0.resource.target.averageUtilization";

/** An autoscaling/v1 HPA of the Deployment (60 % CPU target). */
function hpaV1() {
  return res(T.hpaV1, "v1", {
    metadata: { name: "v1", namespace: "registration" },
    spec: { scaleTargetRef: { kind: "Deployment", name: "registration-api" }, minReplicas: 2, maxReplicas: 5, targetCPUUtilizationPercentage: 60 },
  });
}

/** A Helm chart and its Deployment, which inherits the chart's service label. */
function chartAndChild() {
  const chart = helmChart();
  return [chart, childOf(chart, deployment("registration", "chart-api"))];
}

/** A yaml/v2 ConfigGroup and its Deployment, which inherits the group's service label. */
function groupAndChild() {
  const group = res(T.configGroupV2, "registration-manifests", { yaml: "kind: Deployment", metadata: { labels: { "app.kubernetes.io/part-of": "registration" } } });
  return [group, childOf(group, deployment("registration", "yaml-api"))];
}

export default examples({
  baseline: () => {
    const d = deployment();
    return [d, hpa(d), cloudRunService()];
  },
  compliant: [
    {
      // The baseline's labelled service makes the others workloads of no service (a stack that labels none is one service: violating below).
      title: "workloads of no service beside a labelled service, Jobs and DaemonSets",
      stack: (b) => [...b, deployment("registration", "tooling", { service: undefined }), mutate(cloudRunService("registration", "tooling-run"), "labels", {}), job(), daemonSet()],
    },
    { title: "a Helm chart child targeted by an HPA", stack: () => { const s = chartAndChild(); return [...s, hpa(s[1]!)]; } },
    { title: "a yaml/v2 ConfigGroup child targeted by an HPA", stack: () => { const s = groupAndChild(); return [...s, hpa(s[1]!)]; } },
    { title: "an HPA with no metrics (Kubernetes' default 80 % CPU)", stack: at(HPA, "spec.metrics", undefined) },
    { title: "one compliant HPA of several", stack: plus((b) => mutate(hpa(b[0]!, undefined, "bad"), "spec.minReplicas", 1)) },
    { title: "an autoscaling/v1 HPA", stack: change(HPA, hpaV1) },
    { title: "an autoscaling/v1 HPA without a target (Kubernetes' default 80 %)", stack: change(HPA, () => mutate(hpaV1(), "spec.targetCPUUtilizationPercentage", undefined)) },
    { title: "a Rollout and its HPA", stack: () => { const r = rollout(); return [r, hpa(r)]; } },
    {
      title: "an HPA target unknown at preview, settled by its dependency on the Deployment",
      stack: change(HPA, (h) => {
        const d = deployment();
        return { ...mutate(h, "spec.scaleTargetRef.name", UNKNOWN), dependencies: [d.urn], propertyDependencies: { spec: [d.urn] } };
      }),
    },
    { title: "minReplicas 1 when the settings allow it", stack: at(HPA, "spec.minReplicas", 1), config: { minReplicas: 1 } },
    { title: "Cloud Run: min instances on the service, max on the template", stack: change(RUN, (s) => mutate(mutate(s, "template.scaling", { maxInstanceCount: 10 }), "scaling", { minInstanceCount: 2 })) },
    { title: "Cloud Run: one min instance when the settings allow it", stack: at(RUN, "template.scaling.minInstanceCount", 1), config: { minReplicas: 1 } },
  ],
  violating: [
    { title: "a workload in a stack that labels no service: the service named after the project", stack: () => [deployment("registration", "tooling", { service: undefined })], expect: [{ name: "tooling", message: "'tooling' (kubernetes:apps/v1:Deployment): service 'readiness' Deployment \"tooling\" in namespace \"registration\" is not targeted by any HorizontalPodAutoscaler (found no HPA). Fix: add an autoscaling/v2 HorizontalPodAutoscaler in namespace \"registration\" with scaleTargetRef {kind: \"Deployment\", name: \"tooling\"}, minReplicas ≥ 2, maxReplicas above it and a cpu averageUtilization target within 50–80 %." }] },
    { title: "a service Deployment no HPA targets", stack: without(HPA), expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): service 'registration' Deployment \"registration-api\" in namespace \"registration\" is not targeted by any HorizontalPodAutoscaler (found no HPA). Fix: add an autoscaling/v2 HorizontalPodAutoscaler in namespace \"registration\" with scaleTargetRef {kind: \"Deployment\", name: \"registration-api\"}, minReplicas ≥ 2, maxReplicas above it and a cpu averageUtilization target within 50–80 %." }] },
    { title: "its HPA in another namespace", stack: change(HPA, () => hpa(deployment(), "other")), expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): service 'registration' Deployment \"registration-api\" in namespace \"registration\" is not targeted by any HorizontalPodAutoscaler (found only 'registration-api-hpa' (kubernetes:autoscaling/v2:HorizontalPodAutoscaler) in namespace \"other\", and an HPA scales workloads of its own namespace only). Fix: add an autoscaling/v2 HorizontalPodAutoscaler in namespace \"registration\" with scaleTargetRef {kind: \"Deployment\", name: \"registration-api\"}, minReplicas ≥ 2, maxReplicas above it and a cpu averageUtilization target within 50–80 %." }] },
    { title: "a Helm chart child no HPA targets", stack: chartAndChild, expect: [{ name: "registration-chart-chart-api", message: "'registration-chart-chart-api' (kubernetes:apps/v1:Deployment): service 'registration' Deployment \"chart-api\" in namespace \"registration\" is not targeted by any HorizontalPodAutoscaler (found no HPA). Fix: add an autoscaling/v2 HorizontalPodAutoscaler in namespace \"registration\" with scaleTargetRef {kind: \"Deployment\", name: \"chart-api\"}, minReplicas ≥ 2, maxReplicas above it and a cpu averageUtilization target within 50–80 %." }] },
    { title: "a yaml/v2 ConfigGroup child no HPA targets", stack: groupAndChild, expect: [{ name: "registration-manifests-yaml-api", message: "'registration-manifests-yaml-api' (kubernetes:apps/v1:Deployment): service 'registration' Deployment \"yaml-api\" in namespace \"registration\" is not targeted by any HorizontalPodAutoscaler (found no HPA). Fix: add an autoscaling/v2 HorizontalPodAutoscaler in namespace \"registration\" with scaleTargetRef {kind: \"Deployment\", name: \"yaml-api\"}, minReplicas ≥ 2, maxReplicas above it and a cpu averageUtilization target within 50–80 %." }] },
    { title: "minReplicas 1", stack: at(HPA, "spec.minReplicas", 1), expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): service 'registration' Deployment \"registration-api\" is autoscaled by 'registration-api-hpa' (kubernetes:autoscaling/v2:HorizontalPodAutoscaler) outside the pack's bounds (found minReplicas 1 is below 2). Fix: set minReplicas ≥ 2, maxReplicas above minReplicas and a cpu averageUtilization target within 50–80 %." }] },
    { title: "minReplicas not set (Kubernetes' default 1)", stack: at(HPA, "spec.minReplicas", undefined), expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): service 'registration' Deployment \"registration-api\" is autoscaled by 'registration-api-hpa' (kubernetes:autoscaling/v2:HorizontalPodAutoscaler) outside the pack's bounds (found minReplicas \"1 (default)\" is below 2). Fix: set minReplicas ≥ 2, maxReplicas above minReplicas and a cpu averageUtilization target within 50–80 %." }] },
    { title: "maxReplicas not above minReplicas", stack: at(HPA, "spec.maxReplicas", 2), expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): service 'registration' Deployment \"registration-api\" is autoscaled by 'registration-api-hpa' (kubernetes:autoscaling/v2:HorizontalPodAutoscaler) outside the pack's bounds (found maxReplicas 2 is not above minReplicas 2, so it never scales out). Fix: set minReplicas ≥ 2, maxReplicas above minReplicas and a cpu averageUtilization target within 50–80 %." }] },
    { title: "maxReplicas not set", stack: at(HPA, "spec.maxReplicas", undefined), expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): service 'registration' Deployment \"registration-api\" is autoscaled by 'registration-api-hpa' (kubernetes:autoscaling/v2:HorizontalPodAutoscaler) outside the pack's bounds (found maxReplicas not set is not a number). Fix: set minReplicas ≥ 2, maxReplicas above minReplicas and a cpu averageUtilization target within 50–80 %." }] },
    { title: "a CPU target above the bounds (90 %)", stack: at(HPA, CPU_TARGET, 90), expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): service 'registration' Deployment \"registration-api\" is autoscaled by 'registration-api-hpa' (kubernetes:autoscaling/v2:HorizontalPodAutoscaler) outside the pack's bounds (found the CPU utilisation target (cpu averageUtilization 90) is not within 50–80 %). Fix: set minReplicas ≥ 2, maxReplicas above minReplicas and a cpu averageUtilization target within 50–80 %." }] },
    {
      title: "a memory metric and no cpu metric",
      stack: at(HPA, "spec.metrics", [{ type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: 70 } } }]),
      expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): service 'registration' Deployment \"registration-api\" is autoscaled by 'registration-api-hpa' (kubernetes:autoscaling/v2:HorizontalPodAutoscaler) outside the pack's bounds (found the CPU utilisation target (no cpu Resource metric) is not within 50–80 %). Fix: set minReplicas ≥ 2, maxReplicas above minReplicas and a cpu averageUtilization target within 50–80 %." }],
    },
    { title: "a CPU target below configured bounds (60 % < 65 %)", stack: at(HPA, CPU_TARGET, 60), config: { minCpuUtilization: 65 }, expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): service 'registration' Deployment \"registration-api\" is autoscaled by 'registration-api-hpa' (kubernetes:autoscaling/v2:HorizontalPodAutoscaler) outside the pack's bounds (found the CPU utilisation target (cpu averageUtilization 60) is not within 65–80 %). Fix: set minReplicas ≥ 2, maxReplicas above minReplicas and a cpu averageUtilization target within 65–80 %." }] },
    { title: "configured bounds that are inverted", stack: (b) => [b[0]!], config: { minCpuUtilization: 90 }, expect: [{ kind: "config", message: "invalid pack config at workload-autoscaling: minCpuUtilization must not exceed maxCpuUtilization. Fix: e.g. 50 and 80." }] },
    { title: "an autoscaling/v1 HPA with a 95 % target", stack: change(HPA, () => mutate(hpaV1(), "spec.targetCPUUtilizationPercentage", 95)), expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): service 'registration' Deployment \"registration-api\" is autoscaled by 'v1' (kubernetes:autoscaling/v1:HorizontalPodAutoscaler) outside the pack's bounds (found the CPU utilisation target (95 %) is not within 50–80 %). Fix: set minReplicas ≥ 2, maxReplicas above minReplicas and a cpu averageUtilization target within 50–80 %." }] },
    { title: "a Deployment whose name is unknown at preview and that no HPA names", stack: (b) => [mutate(b[0]!, "metadata.name", UNKNOWN)], expect: [{ name: "registration-api", kind: "undecided", message: "'registration-api' (kubernetes:apps/v1:Deployment): its name or namespace (which an HPA's scaleTargetRef must match) is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "a StatefulSet and an HPA of a Deployment of the same name", stack: () => [statefulSet(), hpa(deployment())], expect: [{ name: "registration-worker", message: "'registration-worker' (kubernetes:apps/v1:StatefulSet): service 'registration' StatefulSet \"registration-worker\" in namespace \"registration\" is not targeted by any HorizontalPodAutoscaler (found no HPA). Fix: add an autoscaling/v2 HorizontalPodAutoscaler in namespace \"registration\" with scaleTargetRef {kind: \"StatefulSet\", name: \"registration-worker\"}, minReplicas ≥ 2, maxReplicas above it and a cpu averageUtilization target within 50–80 %." }] },
    { title: "an HPA target unknown at preview and no dependency", stack: at(HPA, "spec.scaleTargetRef.name", UNKNOWN), expect: [{ name: "registration-api", kind: "undecided", message: "'registration-api' (kubernetes:apps/v1:Deployment): the scaleTargetRef of an HorizontalPodAutoscaler in its namespace is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "an HPA namespace unknown at preview", stack: at(HPA, "metadata.namespace", UNKNOWN), expect: [{ name: "registration-api", kind: "undecided", message: "'registration-api' (kubernetes:apps/v1:Deployment): the scaleTargetRef of an HorizontalPodAutoscaler in its namespace is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "an HPA minReplicas unknown at preview", stack: at(HPA, "spec.minReplicas", UNKNOWN), expect: [{ name: "registration-api", kind: "undecided", message: "'registration-api' (kubernetes:apps/v1:Deployment): 'spec.minReplicas' of 'registration-api-hpa' (kubernetes:autoscaling/v2:HorizontalPodAutoscaler) is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "Cloud Run: min instances not set", stack: at(RUN, "template.scaling.minInstanceCount", undefined), expect: [{ name: "registration-web", message: "'registration-web' (gcp:cloudrunv2/service:Service): service 'registration' Cloud Run service does not autoscale within the pack's bounds (found min instances not set (Cloud Run default 0) is below 2). Fix: set template.scaling.minInstanceCount ≥ 2 and template.scaling.maxInstanceCount above it." }] },
    { title: "Cloud Run: max instances not set", stack: at(RUN, "template.scaling.maxInstanceCount", undefined), expect: [{ name: "registration-web", message: "'registration-web' (gcp:cloudrunv2/service:Service): service 'registration' Cloud Run service does not autoscale within the pack's bounds (found max instances (template.scaling.maxInstanceCount) is not set). Fix: set template.scaling.minInstanceCount ≥ 2 and template.scaling.maxInstanceCount above it." }] },
    { title: "Cloud Run: max instances not above min", stack: at(RUN, "template.scaling.maxInstanceCount", 2), expect: [{ name: "registration-web", message: "'registration-web' (gcp:cloudrunv2/service:Service): service 'registration' Cloud Run service does not autoscale within the pack's bounds (found max instances 2 is not above min instances 2). Fix: set template.scaling.minInstanceCount ≥ 2 and template.scaling.maxInstanceCount above it." }] },
    { title: "Cloud Run: manual scaling", stack: at(RUN, "scaling", { scalingMode: "MANUAL", manualInstanceCount: 3 }), expect: [{ name: "registration-web", message: "'registration-web' (gcp:cloudrunv2/service:Service): service 'registration' Cloud Run service does not autoscale within the pack's bounds (found scaling.scalingMode is \"MANUAL\" (fixed instance count)). Fix: set template.scaling.minInstanceCount ≥ 2 and template.scaling.maxInstanceCount above it." }] },
    { title: "Cloud Run: one min instance", stack: at(RUN, "template.scaling.minInstanceCount", 1), expect: [{ name: "registration-web", message: "'registration-web' (gcp:cloudrunv2/service:Service): service 'registration' Cloud Run service does not autoscale within the pack's bounds (found min instances template.scaling.minInstanceCount 1 is below 2). Fix: set template.scaling.minInstanceCount ≥ 2 and template.scaling.maxInstanceCount above it." }] },
    { title: "Cloud Run: scaling unknown at preview", stack: at(RUN, "template.scaling", UNKNOWN), expect: [{ name: "registration-web", kind: "undecided", message: "'registration-web' (gcp:cloudrunv2/service:Service): 'template.scaling' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "Cloud Run: min instances unknown at preview", stack: at(RUN, "template.scaling.minInstanceCount", UNKNOWN), expect: [{ name: "registration-web", kind: "undecided", message: "'registration-web' (gcp:cloudrunv2/service:Service): 'template.scaling.minInstanceCount' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
  ],
});
