/**
 * The closed value sets upstream declares for string fields (its `+enum` types), which
 * `kubectl explain` prints as `enum: ...`. The client-node models drop them. Keys are
 * `<ClientClass>.<field>`; values sorted as upstream lists them. Only documentation: value
 * checks belong to each resource's strategy.
 */
const PROTOCOL = ['SCTP', 'TCP', 'UDP'];
const PULL_POLICY = ['Always', 'IfNotPresent', 'Never'];
const TERMINATION_MESSAGE_POLICY = ['FallbackToLogsOnError', 'File'];
const TRAFFIC_POLICY = ['Cluster', 'Local'];
const TAINT_EFFECT = ['NoExecute', 'NoSchedule', 'PreferNoSchedule'];
const SELECTOR_OPERATOR = ['DoesNotExist', 'Exists', 'Gt', 'In', 'Lt', 'NotIn'];
const UPDATE_STRATEGY = ['OnDelete', 'RollingUpdate'];
const CONDITION_STATUS = ['False', 'True', 'Unknown'];

const CONTAINER = {
  imagePullPolicy: PULL_POLICY,
  terminationMessagePolicy: TERMINATION_MESSAGE_POLICY,
};

function forClasses(classes: string[], fields: Record<string, string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const cls of classes) for (const [field, values] of Object.entries(fields)) out[`${cls}.${field}`] = values;
  return out;
}

export const FIELD_ENUMS: Readonly<Record<string, readonly string[]>> = {
  ...forClasses(['V1Container', 'V1EphemeralContainer'], CONTAINER),
  'V1ContainerPort.protocol': PROTOCOL,
  'V1ServicePort.protocol': PROTOCOL,
  'CoreV1EndpointPort.protocol': PROTOCOL,
  'DiscoveryV1EndpointPort.protocol': PROTOCOL,
  'V1PodSpec.restartPolicy': ['Always', 'Never', 'OnFailure'],
  'V1PodSpec.dnsPolicy': ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'],
  'V1PodSpec.preemptionPolicy': ['Never', 'PreemptLowerPriority'],
  'V1PodStatus.phase': ['Failed', 'Pending', 'Running', 'Succeeded', 'Unknown'],
  'V1PodStatus.qosClass': ['BestEffort', 'Burstable', 'Guaranteed'],
  'V1PodCondition.status': CONDITION_STATUS,
  'V1NodeCondition.status': CONDITION_STATUS,
  'V1ServiceSpec.type': ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'],
  'V1ServiceSpec.sessionAffinity': ['ClientIP', 'None'],
  'V1ServiceSpec.externalTrafficPolicy': TRAFFIC_POLICY,
  'V1ServiceSpec.internalTrafficPolicy': TRAFFIC_POLICY,
  'V1ServiceSpec.ipFamilyPolicy': ['PreferDualStack', 'RequireDualStack', 'SingleStack'],
  'V1Toleration.operator': ['Equal', 'Exists'],
  'V1Toleration.effect': TAINT_EFFECT,
  'V1Taint.effect': TAINT_EFFECT,
  'V1NodeSelectorRequirement.operator': SELECTOR_OPERATOR,
  'V1HTTPGetAction.scheme': ['HTTP', 'HTTPS'],
  'V1SeccompProfile.type': ['Localhost', 'RuntimeDefault', 'Unconfined'],
  'V1NamespaceStatus.phase': ['Active', 'Terminating'],
  'V1HostPathVolumeSource.type': ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'],
  'V1PersistentVolumeClaimSpec.volumeMode': ['Block', 'Filesystem'],
  'V1DeploymentStrategy.type': ['Recreate', 'RollingUpdate'],
  'V1StatefulSetSpec.podManagementPolicy': ['OrderedReady', 'Parallel'],
  'V1StatefulSetUpdateStrategy.type': UPDATE_STRATEGY,
  'V1DaemonSetUpdateStrategy.type': UPDATE_STRATEGY,
  'V1CronJobSpec.concurrencyPolicy': ['Allow', 'Forbid', 'Replace'],
  'V1JobSpec.completionMode': ['Indexed', 'NonIndexed'],
  'V1JobSpec.podReplacementPolicy': ['Failed', 'TerminatingOrFailed'],
  'V1PodFailurePolicyRule.action': ['Count', 'FailIndex', 'FailJob', 'Ignore'],
};
