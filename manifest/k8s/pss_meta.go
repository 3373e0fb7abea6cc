package k8s

// pssMeta describes each upstream Pod Security Standards check: a title, the
// remedy, and the fields it reads (to find the line). A test fails when the
// upstream library has a check missing here.
var pssMeta = map[string]struct {
	title, help string
	fields      []fieldHint
}{
	"allowPrivilegeEscalation": {
		"Privilege escalation allowed",
		"Set `securityContext.allowPrivilegeEscalation: false` on every container, so no process can gain more privileges than its parent (setuid binaries, file capabilities).",
		[]fieldHint{{Key: "allowPrivilegeEscalation", Good: "false"}, {Key: "securityContext"}},
	},
	"appArmorProfile": {
		"AppArmor profile overridden",
		"Leave the AppArmor profile at the runtime default or set `appArmorProfile.type` to `RuntimeDefault` or `Localhost`; `Unconfined` removes the confinement.",
		[]fieldHint{{Key: "appArmorProfile"}},
	},
	"capabilities_baseline": {
		"Capabilities beyond the default set added",
		"Add no Linux capability beyond the container runtime's default set (`securityContext.capabilities.add`). Capabilities such as `SYS_ADMIN` or `NET_ADMIN` break container isolation.",
		[]fieldHint{{Key: "add"}, {Key: "capabilities"}},
	},
	"capabilities_restricted": {
		"Capabilities not dropped",
		"Drop every capability (`securityContext.capabilities.drop: [\"ALL\"]`) and add back at most `NET_BIND_SERVICE`.",
		[]fieldHint{{Key: "add"}, {Key: "drop"}, {Key: "capabilities"}, {Key: "securityContext"}},
	},
	"hostNamespaces": {
		"Host namespaces shared",
		"Do not set `hostNetwork`, `hostPID` or `hostIPC`: sharing the node's namespaces lets the pod see and reach the node's processes and network.",
		[]fieldHint{{Key: "hostNetwork", Good: "false"}, {Key: "hostPID", Good: "false"}, {Key: "hostIPC", Good: "false"}},
	},
	"hostPathVolumes": {
		"hostPath volume",
		"Do not mount directories of the node (`volumes[].hostPath`); use a PersistentVolumeClaim, a ConfigMap, a Secret or an emptyDir.",
		[]fieldHint{{Key: "hostPath"}},
	},
	"hostPorts": {
		"Host port used",
		"Do not bind container ports on the node (`ports[].hostPort`); expose them through a Service.",
		[]fieldHint{{Key: "hostPort", Good: "0"}},
	},
	"hostProbesAndHostLifecycle": {
		"Probe or lifecycle handler targets another host",
		"Leave `host` unset in probe and lifecycle handlers (`httpGet.host`, `tcpSocket.host`): a pod must not be usable to reach arbitrary hosts through the kubelet.",
		[]fieldHint{{Key: "host"}},
	},
	"privileged": {
		"Privileged container",
		"Remove `securityContext.privileged: true`. A privileged container has every device and capability of the node and can take it over.",
		[]fieldHint{{Key: "privileged", Good: "false"}},
	},
	"procMount": {
		"Unmasked /proc mount",
		"Leave `securityContext.procMount` at `Default`; `Unmasked` exposes kernel interfaces that the runtime hides.",
		[]fieldHint{{Key: "procMount", Good: "Default"}},
	},
	"procMount_restricted": {
		"Unmasked /proc mount",
		"Leave `securityContext.procMount` at `Default`; `Unmasked` exposes kernel interfaces that the runtime hides, even in a user namespace at the restricted level.",
		[]fieldHint{{Key: "procMount", Good: "Default"}},
	},
	"restrictedVolumes": {
		"Volume type not allowed",
		"Use only the volume types of the restricted level: configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret.",
		[]fieldHint{{Key: "hostPath"}, {Key: "nfs"}, {Key: "iscsi"}, {Key: "gitRepo"}, {Key: "glusterfs"}, {Key: "rbd"}, {Key: "cephfs"},
			{Key: "flexVolume"}, {Key: "awsElasticBlockStore"}, {Key: "gcePersistentDisk"}, {Key: "azureDisk"}, {Key: "azureFile"},
			{Key: "cinder"}, {Key: "fc"}, {Key: "flocker"}, {Key: "vsphereVolume"}, {Key: "quobyte"}, {Key: "portworxVolume"},
			{Key: "photonPersistentDisk"}, {Key: "scaleIO"}, {Key: "storageos"}, {Key: "volumes"}},
	},
	"runAsNonRoot": {
		"Not required to run as non-root",
		"Set `securityContext.runAsNonRoot: true` on the pod or on every container, so the kubelet refuses to start a container whose image runs as root.",
		[]fieldHint{{Key: "runAsNonRoot", Good: "true"}, {Key: "securityContext"}},
	},
	"runAsUser": {
		"Runs as UID 0",
		"Do not set `runAsUser: 0`; pick a non-zero UID.",
		[]fieldHint{{Key: "runAsUser", Bad: "0"}},
	},
	"seLinuxOptions": {
		"Custom SELinux options",
		"Do not set an SELinux `user` or `role`, and keep `type` to `container_t`, `container_init_t`, `container_kvm_t` or `container_engine_t`.",
		[]fieldHint{{Key: "seLinuxOptions"}},
	},
	"seccompProfile_baseline": {
		"Seccomp explicitly unconfined",
		"Do not set `seccompProfile.type: Unconfined`; use `RuntimeDefault` or a `Localhost` profile.",
		[]fieldHint{{Key: "seccompProfile"}},
	},
	"seccompProfile_restricted": {
		"Seccomp profile not set",
		"Set `securityContext.seccompProfile.type` to `RuntimeDefault` or `Localhost` on the pod or on every container.",
		[]fieldHint{{Key: "seccompProfile"}, {Key: "securityContext"}},
	},
	"sysctls": {
		"Unsafe sysctls",
		"Set only the sysctls the baseline level lists as safe (namespaced, such as `net.ipv4.ip_local_port_range`).",
		[]fieldHint{{Key: "sysctls"}},
	},
	"windowsHostProcess": {
		"Windows HostProcess container",
		"Do not set `windowsOptions.hostProcess: true`: a HostProcess container runs directly on the Windows node.",
		[]fieldHint{{Key: "hostProcess", Good: "false"}},
	},
}

// pssFirstInFile lists the checks whose field hints are siblings of equal
// weight: the earliest one in the file is reported rather than the first
// hint found.
var pssFirstInFile = map[string]bool{"hostNamespaces": true}
