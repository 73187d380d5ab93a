"""Kubernetes: render the kustomize overlays under k8s/ and derive a job's spark-submit command line.

No kustomize binary is at hand where joblake is built and tested, so `build` implements the part of
kustomize the manifests use, with kustomize's semantics for that part, and refuses the rest:

- `resources`: YAML files (any number of documents) inside the kustomization's folder, and folders
  (anywhere) holding their own kustomization.yaml, built completely before the including one goes on;
- `patches`: strategic-merge patches from `path` or inline `patch`, applied to the object the patch names
  (apiVersion, kind, metadata.name; exactly one must match) or to every object its `target` selects
  (group, version, kind exactly; name and namespace as anchored regular expressions). Maps merge deeply,
  `null` deletes a key, lists whose items all carry a `name` merge by name, other lists are replaced;
  lists kustomize merges by another key (ports, volumeMounts, ...) are refused;
- `namespace`: set on every namespaced object, and on RoleBinding subjects named `default`;
- `labels`: `pairs` added to every object's metadata.labels and, with `includeTemplates`, to the pod
  templates of Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs and CronJobs;
- `images`: `newName` / `newTag` / `digest` for every image under a `containers` or `initContainers`
  list, and at the extra fields the `configurations` files list (here SparkApplication spec.image);
- `configurations`: files of `images` field specs; like kustomize, a folder's specs also apply in the
  kustomizations that include it.
They run in kustomize's order (patches, namespace, labels, images), and the output is in kustomize's
legacy order. Any other kustomization field (generators, namePrefix, commonLabels, replacements,
components, JSON 6902 patches, `$patch` directives) is a ConfigError, never silently ignored.

`spark_application` gives the SparkApplication of one joblake job (a ScheduledSparkApplication's
template for the batch jobs), and `spark_submit_command` the plain `spark-submit` that runs the same.
"""

from __future__ import annotations

import copy
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from lakehouse.config import ConfigError, Settings

K8S_DIR = Path(__file__).resolve().parents[1] / "k8s"
OVERLAYS = ("dev", "prod")
JOBS = {
    "stream": "joblake-stream",
    "nightly": "joblake-nightly",
    "validate": "joblake-validate",
    "scrape": "joblake-scrape",
    "train-ranker": "joblake-train-ranker",
    "match": "joblake-match",
}

KUSTOMIZATION_FIELDS = {"apiVersion", "kind", "resources", "namespace", "labels", "images", "patches", "configurations"}
CLUSTER_SCOPED_KINDS = {
    "APIService",
    "CertificateSigningRequest",
    "ClusterRole",
    "ClusterRoleBinding",
    "CSIDriver",
    "CSINode",
    "CustomResourceDefinition",
    "IngressClass",
    "MutatingWebhookConfiguration",
    "Namespace",
    "Node",
    "PersistentVolume",
    "PriorityClass",
    "RuntimeClass",
    "StorageClass",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
    "VolumeAttachment",
}
# kustomize's `labels: includeTemplates` field specs: where each kind keeps its pod template's labels
TEMPLATE_LABEL_PATHS = {
    "Deployment": [("spec", "template", "metadata", "labels")],
    "StatefulSet": [("spec", "template", "metadata", "labels")],
    "DaemonSet": [("spec", "template", "metadata", "labels")],
    "ReplicaSet": [("spec", "template", "metadata", "labels")],
    "ReplicationController": [("spec", "template", "metadata", "labels")],
    "Job": [("spec", "template", "metadata", "labels")],
    "CronJob": [
        ("spec", "jobTemplate", "metadata", "labels"),
        ("spec", "jobTemplate", "spec", "template", "metadata", "labels"),
    ],
}
# Lists kustomize's strategic merge joins by a key other than `name` (or replaces although their items
# have names): patching them here would silently differ from kustomize, so it is refused.
UNPATCHABLE_LISTS = {
    "ports",
    "volumeMounts",
    "volumeDevices",
    "hostAliases",
    "topologySpreadConstraints",
    "subjects",
    "finalizers",
}
# kustomize's legacy output order: these kinds first, in this order, webhook configurations last
ORDER_FIRST = [
    "Namespace",
    "ResourceQuota",
    "StorageClass",
    "CustomResourceDefinition",
    "ServiceAccount",
    "PodSecurityPolicy",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "ConfigMap",
    "Secret",
    "Endpoints",
    "Service",
    "LimitRange",
    "PriorityClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Deployment",
    "StatefulSet",
    "CronJob",
    "PodDisruptionBudget",
]
ORDER_LAST = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]


def _gvk(obj: dict) -> tuple[str, str, str]:
    """(group, version, kind) of an object: `apps/v1` -> ("apps", "v1"), `v1` -> ("", "v1")."""
    group, _, version = str(obj.get("apiVersion", "")).rpartition("/")
    return group, version, str(obj.get("kind", ""))


def _describe(obj: dict) -> str:
    return f"{obj.get('kind')}/{obj.get('metadata', {}).get('name')}"


def _documents(text: str) -> list[Any]:
    """The non-empty YAML documents of a text (libyaml's safe loader when PyYAML has it)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return [doc for doc in yaml.load_all(text, Loader=loader) if doc is not None]


def _load_yaml(path: Path) -> list[Any]:
    try:
        return _documents(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML ({error})") from None


def _inside(root: Path, relative: str, what: str) -> Path:
    """A file a kustomization names: kustomize loads files only from inside the kustomization's folder."""
    path = (root / relative).resolve()
    if not path.is_relative_to(root.resolve()):
        raise ConfigError(f"{root}/kustomization.yaml: {what} '{relative}' is outside the kustomization's folder")
    if not path.is_file():
        raise ConfigError(f"{root}/kustomization.yaml: {what} '{relative}' does not exist")
    return path


def _only(entry: dict, allowed: set[str], where: str) -> None:
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise ConfigError(f"{where}: {', '.join(unknown)} not supported (supported: {', '.join(sorted(allowed))})")


def build(folder: Path) -> list[dict]:
    """Every object the kustomization in `folder` produces, like `kustomize build folder`."""
    objects, _ = _build(Path(folder).resolve(), ())
    ranks = {kind: index - len(ORDER_FIRST) for index, kind in enumerate(ORDER_FIRST)}
    ranks |= {kind: index + 1 for index, kind in enumerate(ORDER_LAST)}
    return sorted(
        objects,
        key=lambda o: (
            ranks.get(o["kind"], 0),
            "_".join(_gvk(o)),
            o["metadata"].get("namespace", ""),
            o["metadata"]["name"],
        ),
    )


def _build(folder: Path, stack: tuple[Path, ...]) -> tuple[list[dict], list[dict]]:
    """(objects, image field specs) of one kustomization, every transformation applied."""
    if folder in stack:
        raise ConfigError(f"{folder}: kustomization includes itself ({' -> '.join(map(str, (*stack, folder)))})")
    file = folder / "kustomization.yaml"
    if not file.is_file():
        raise ConfigError(f"{folder}: no kustomization.yaml")
    docs = _load_yaml(file)
    kustomization = docs[0] if len(docs) == 1 and isinstance(docs[0], dict) else None
    if kustomization is None:
        raise ConfigError(f"{file}: expected one YAML mapping")
    _only(kustomization, KUSTOMIZATION_FIELDS, str(file))
    if kustomization.get("kind", "Kustomization") != "Kustomization":
        raise ConfigError(f"{file}: kind {kustomization['kind']} is not supported (only Kustomization)")

    objects: list[dict] = []
    image_specs: list[dict] = []
    for entry in kustomization.get("resources") or []:
        path = (folder / entry).resolve()
        if path.is_dir():
            sub_objects, sub_specs = _build(path, (*stack, folder))
            objects += sub_objects
            image_specs += sub_specs
        else:
            for doc in _load_yaml(_inside(folder, entry, "resource")):
                objects.append(_checked_object(doc, path))
    seen: set[tuple] = set()
    for obj in objects:
        key = (*_gvk(obj), obj["metadata"].get("namespace", ""), obj["metadata"]["name"])
        if key in seen:
            raise ConfigError(f"{file}: {_describe(obj)} is defined twice")
        seen.add(key)

    for name in kustomization.get("configurations") or []:
        image_specs += _image_field_specs(_inside(folder, name, "configuration"))
    for index, patch in enumerate(kustomization.get("patches") or []):
        _apply_patch(objects, patch, folder, f"{file}: patches[{index}]")
    if kustomization.get("namespace"):
        _set_namespace(objects, str(kustomization["namespace"]))
    for index, label in enumerate(kustomization.get("labels") or []):
        _add_labels(objects, label, f"{file}: labels[{index}]")
    for index, image in enumerate(kustomization.get("images") or []):
        _set_images(objects, image, image_specs, f"{file}: images[{index}]")
    return objects, image_specs


def _checked_object(doc: Any, path: Path) -> dict:
    if not isinstance(doc, dict) or not doc.get("apiVersion") or not doc.get("kind"):
        raise ConfigError(f"{path}: every document must be an object with apiVersion and kind")
    if not isinstance(doc.get("metadata"), dict) or not doc["metadata"].get("name"):
        raise ConfigError(f"{path}: {doc['kind']} without metadata.name")
    return doc


def _image_field_specs(path: Path) -> list[dict]:
    """The `images` field specs of a configurations file (the only transformer config supported)."""
    docs = _load_yaml(path)
    config = docs[0] if len(docs) == 1 and isinstance(docs[0], dict) else None
    if config is None:
        raise ConfigError(f"{path}: expected one YAML mapping")
    _only(config, {"images"}, str(path))
    specs = config.get("images") or []
    for index, spec in enumerate(specs):
        _only(spec, {"path", "kind", "group", "version"}, f"{path}: images[{index}]")
        if not spec.get("path"):
            raise ConfigError(f"{path}: images[{index}] has no path")
    return specs


def _selected(obj: dict, target: dict) -> bool:
    """kustomize's selector: group, version and kind exactly; name and namespace as anchored regexes."""
    group, version, kind = _gvk(obj)
    for field, value in (("group", group), ("version", version), ("kind", kind)):
        if field in target and target[field] != value:
            return False
    for field, value in (("name", obj["metadata"]["name"]), ("namespace", obj["metadata"].get("namespace", ""))):
        if field in target and not re.fullmatch(str(target[field]), value):
            return False
    return True


def _apply_patch(objects: list[dict], entry: dict, folder: Path, where: str) -> None:
    _only(entry, {"path", "patch", "target"}, where)
    if ("path" in entry) == ("patch" in entry):
        raise ConfigError(f"{where}: give exactly one of path and patch")
    if "path" in entry:
        docs = _load_yaml(_inside(folder, entry["path"], "patch"))
    else:
        try:
            docs = _documents(entry["patch"])
        except yaml.YAMLError as error:
            raise ConfigError(f"{where}: not valid YAML ({error})") from None
    target = entry.get("target")
    if target is not None:
        _only(target, {"group", "version", "kind", "name", "namespace"}, f"{where}: target")
    for patch in docs:
        if not isinstance(patch, dict):
            raise ConfigError(f"{where}: only strategic-merge patches are supported (JSON 6902 patches are not)")
        directive = next(_directives(patch), None)
        if directive:
            raise ConfigError(f"{where}: {directive}: strategic-merge directives are not supported")
        if target is not None:
            body = copy.deepcopy(patch)
            for key in ("apiVersion", "kind"):
                body.pop(key, None)
            for key in ("name", "namespace"):
                body.get("metadata", {}).pop(key, None)
            matches = [i for i, obj in enumerate(objects) if _selected(obj, target)]
        else:
            body, meta = patch, patch.get("metadata") or {}
            name = meta.get("name")
            matches = [
                i
                for i, obj in enumerate(objects)
                if (obj["apiVersion"], obj["kind"], obj["metadata"]["name"])
                == (patch.get("apiVersion"), patch.get("kind"), name)
                and meta.get("namespace", obj["metadata"].get("namespace")) == obj["metadata"].get("namespace")
            ]
            if len(matches) != 1:
                raise ConfigError(f"{where}: no unique object for patch {patch.get('kind')}/{name}")
        for i in matches:
            objects[i] = _merge(objects[i], body, f"{where} on {_describe(objects[i])}: ")


def _directives(node: Any) -> Iterator[str]:
    """Keys such as `$patch` or `$setElementOrder/…` anywhere in a patch."""
    if isinstance(node, dict):
        for key, value in node.items():
            if str(key).startswith("$"):
                yield str(key)
            yield from _directives(value)
    elif isinstance(node, list):
        for item in node:
            yield from _directives(item)


def _merge(base: Any, patch: Any, where: str) -> Any:
    """Strategic merge of `patch` into `base` (both left unchanged)."""
    if not (isinstance(base, dict) and isinstance(patch, dict)):
        return copy.deepcopy(patch)
    merged = copy.deepcopy(base)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, list) and isinstance(merged.get(key), list):
            merged[key] = _merge_list(key, merged[key], value, where)
        elif key in merged:
            merged[key] = _merge(merged[key], value, f"{where}{key}.")
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _merge_list(key: str, base: list, patch: list, where: str) -> list:
    if key in UNPATCHABLE_LISTS:
        raise ConfigError(f"{where}{key}: kustomize merges this list by a key of its own; patch the object instead")
    items = base + patch
    if not items or not all(isinstance(item, dict) and "name" in item for item in items):
        return copy.deepcopy(patch)
    merged = copy.deepcopy(base)
    for item in patch:
        same = [i for i, old in enumerate(merged) if old["name"] == item["name"]]
        if same:
            merged[same[0]] = _merge(merged[same[0]], item, f"{where}{key}[{item['name']}].")
        else:
            merged.append(copy.deepcopy(item))
    return merged


def _set_namespace(objects: list[dict], namespace: str) -> None:
    for obj in objects:
        if obj["kind"] not in CLUSTER_SCOPED_KINDS:
            obj["metadata"]["namespace"] = namespace
        if obj["kind"] in ("RoleBinding", "ClusterRoleBinding"):
            for subject in obj.get("subjects") or []:
                if subject.get("name") == "default":
                    subject["namespace"] = namespace


def _add_labels(objects: list[dict], entry: dict, where: str) -> None:
    _only(entry, {"pairs", "includeSelectors", "includeTemplates"}, where)
    if entry.get("includeSelectors"):
        raise ConfigError(f"{where}: includeSelectors is not supported (selectors are written out in the manifests)")
    pairs = {str(k): str(v) for k, v in (entry.get("pairs") or {}).items()}
    for obj in objects:
        paths = [("metadata", "labels")]
        if entry.get("includeTemplates"):
            paths += TEMPLATE_LABEL_PATHS.get(obj["kind"], [])
        for path in paths:
            node = obj
            for step in path:
                node = node.setdefault(step, {})
            node.update(pairs)


def _split_image(image: str) -> tuple[str, str, str]:
    """`registry:5000/repo/name:tag@sha256:…` -> (name, tag, digest), as kustomize splits images."""
    name, _, digest = image.partition("@")
    colon = name.rfind(":")
    if colon > name.rfind("/"):
        return name[:colon], name[colon + 1 :], digest
    return name, "", digest


def _new_image(image: str, entry: dict) -> str:
    name, tag, digest = _split_image(image)
    if name != entry["name"]:
        return image
    name = entry.get("newName", name)
    if entry.get("digest"):
        return f"{name}@{entry['digest']}"
    if entry.get("newTag") is not None:
        return f"{name}:{entry['newTag']}"
    return name + (f":{tag}" if tag else "") + (f"@{digest}" if digest else "")


def _container_lists(node: Any) -> Iterator[list]:
    """Every `containers` / `initContainers` list anywhere in an object (kustomize's image walk)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("containers", "initContainers") and isinstance(value, list):
                yield value
            yield from _container_lists(value)
    elif isinstance(node, list):
        for item in node:
            yield from _container_lists(item)


def _field_parents(node: Any, steps: list[str]) -> Iterator[tuple[dict, str]]:
    """(mapping, key) pairs a field spec path such as `spec/containers[]/image` reaches."""
    step, rest = steps[0], steps[1:]
    is_list = step.endswith("[]")
    key = step[:-2] if is_list else step
    if not isinstance(node, dict) or key not in node:
        return
    if not rest:
        yield node, key
        return
    children = node[key] if is_list and isinstance(node[key], list) else [node[key]]
    for child in children:
        yield from _field_parents(child, rest)


def _set_images(objects: list[dict], entry: dict, specs: list[dict], where: str) -> None:
    _only(entry, {"name", "newName", "newTag", "digest"}, where)
    if not entry.get("name"):
        raise ConfigError(f"{where}: no name")
    for obj in objects:
        for containers in _container_lists(obj):
            for container in containers:
                if isinstance(container, dict) and isinstance(container.get("image"), str):
                    container["image"] = _new_image(container["image"], entry)
        for spec in specs:
            if _selected(obj, {k: v for k, v in spec.items() if k != "path"}):
                for parent, key in _field_parents(obj, spec["path"].split("/")):
                    if isinstance(parent[key], str):
                        parent[key] = _new_image(parent[key], entry)


def render(overlay: str) -> list[dict]:
    """All objects of k8s/overlays/<overlay> ("dev" or "prod"), as `kubectl kustomize` renders them."""
    if overlay not in OVERLAYS:
        raise ConfigError(f"unknown overlay '{overlay}' (choose one of {', '.join(OVERLAYS)})")
    folder = K8S_DIR / "overlays" / overlay
    if not folder.is_dir():
        raise ConfigError(f"the Kubernetes manifests are not at {folder}: rendering them needs a joblake checkout")
    return build(folder)


def to_yaml(objects: list[dict]) -> str:
    """Objects as one multi-document YAML stream, for `kubectl apply -f -`."""
    return "".join(f"---\n{yaml.safe_dump(obj, sort_keys=False)}" for obj in objects)


def _application(objects: list[dict], job: str, arguments: list[str] | None) -> dict:
    if job not in JOBS:
        raise ConfigError(f"unknown job '{job}' (choose one of {', '.join(JOBS)})")
    name = JOBS[job]
    found = [o for o in objects if o["kind"] in ("SparkApplication", "ScheduledSparkApplication")]
    found = [o for o in found if o["metadata"]["name"] == name]
    if len(found) != 1:
        raise ConfigError(f"the manifests define no single SparkApplication or ScheduledSparkApplication {name}")
    app = copy.deepcopy(found[0])
    if app["kind"] == "ScheduledSparkApplication":
        metadata = {k: v for k, v in app["metadata"].items() if k in ("name", "namespace", "labels", "annotations")}
        app = {
            "apiVersion": app["apiVersion"],
            "kind": "SparkApplication",
            "metadata": metadata,
            "spec": app["spec"]["template"],
        }
    if arguments is not None:
        app["spec"]["arguments"] = [str(a) for a in arguments]
    return app


def spark_application(job: str, overlay: str = "prod", arguments: list[str] | None = None) -> dict:
    """The rendered SparkApplication of a joblake job, with `spec.arguments` replaced when given.

    The stream is a SparkApplication in the manifests; a batch job's is the template of its
    ScheduledSparkApplication, e.g. `spark_application("nightly", arguments=["nightly", "--date", "2026-11-30"])`.
    """
    return _application(render(overlay), job, arguments)


# SparkApplication fields with no spark-submit counterpart: the operator's own (restarts, clean-up), what
# spark-submit infers (a .py main file is Python, --deploy-mode), and the pods' securityContext, which the
# operator's webhook sets and Spark has no configuration for (the image's USER 185 is non-root anyway).
CONTROLLER_ONLY = {"restartPolicy", "timeToLiveSeconds", "sparkVersion", "type", "mode"}
WEBHOOK_ONLY = {"podSecurityContext", "securityContext"}


def spark_submit_command(
    settings: Settings, job: str, overlay: str = "prod", arguments: list[str] | None = None
) -> list[str]:
    """The `spark-submit --master k8s://… --deploy-mode cluster` argv that runs a job like its SparkApplication.

    The master is `spark.master` (the k8s profile's in-cluster API server; set JOBLAKE__SPARK__MASTER to
    submit from outside). ConfigMap values become driver/executor environment values; Secret values are
    never read: they stay references (`spark.kubernetes.driver.secretKeyRef.ENV=secret:key`, mounted
    secrets). A field the translation does not know is a ConfigError rather than a silently shorter command.
    """
    master = str(settings["spark.master"])
    if not master.startswith("k8s://"):
        raise ConfigError(
            f"spark.master is '{master}': spark-submit to Kubernetes needs a k8s://… master (profile k8s)"
        )
    objects = render(overlay)
    app = _application(objects, job, arguments)
    spec, name = app["spec"], app["metadata"]["name"]
    config_maps = {o["metadata"]["name"]: o.get("data") or {} for o in objects if o["kind"] == "ConfigMap"}
    if spec.get("mode", "cluster") != "cluster":
        raise ConfigError(f"{name}: spec.mode {spec['mode']} has no Kubernetes spark-submit equivalent here")
    handled = CONTROLLER_ONLY | {
        "image",
        "imagePullPolicy",
        "mainApplicationFile",
        "arguments",
        "sparkConf",
        "hadoopConf",
    }
    handled |= {"driver", "executor", "volumes", "dynamicAllocation"}
    _refuse_unknown(spec, handled, f"{name}: spec")

    conf: dict[str, str] = {
        "spark.kubernetes.namespace": app["metadata"].get("namespace", "default"),
        "spark.kubernetes.container.image": spec["image"],
    }
    if "imagePullPolicy" in spec:
        conf["spark.kubernetes.container.image.pullPolicy"] = spec["imagePullPolicy"]
    conf["spark.kubernetes.driver.pod.name"] = f"{name}-driver"
    for role in ("driver", "executor"):
        conf |= _pod_conf(role, spec.get(role) or {}, app, config_maps)
    conf |= _dynamic_allocation_conf(spec.get("dynamicAllocation") or {}, name)
    conf |= {f"spark.hadoop.{k}": str(v) for k, v in (spec.get("hadoopConf") or {}).items()}
    conf |= {k: str(v) for k, v in (spec.get("sparkConf") or {}).items()}

    argv = ["spark-submit", "--master", master, "--deploy-mode", "cluster", "--name", name]
    for key, value in conf.items():
        argv += ["--conf", f"{key}={value}"]
    return [*argv, spec["mainApplicationFile"], *[str(a) for a in spec.get("arguments") or []]]


def _refuse_unknown(section: dict, handled: set[str], where: str) -> None:
    unknown = sorted(set(section) - handled)
    if unknown:
        raise ConfigError(f"{where}.{unknown[0]} has no spark-submit translation here")


def _pod_conf(role: str, pod: dict, app: dict, config_maps: dict[str, dict]) -> dict[str, str]:
    """spark-submit configuration for the driver or executor pods of an application."""
    name = app["metadata"]["name"]
    where = f"{name}: spec.{role}"
    handled = {"cores", "coreRequest", "coreLimit", "memory", "memoryOverhead", "serviceAccount", "labels"}
    handled |= {"annotations", "env", "envFrom", "secrets", "volumeMounts", "instances"} | WEBHOOK_ONLY
    _refuse_unknown(pod, handled, where)
    k8s = f"spark.kubernetes.{role}"
    conf: dict[str, str] = {}
    if "instances" in pod:
        conf["spark.executor.instances"] = str(pod["instances"])
    sizes = {"cores": "cores", "memory": "memory", "memoryOverhead": "memoryOverhead"}
    conf |= {f"spark.{role}.{key}": str(pod[field]) for field, key in sizes.items() if field in pod}
    conf |= {
        f"{k8s}.{key}.cores": str(pod[field])
        for field, key in (("coreRequest", "request"), ("coreLimit", "limit"))
        if field in pod
    }
    if "serviceAccount" in pod:
        conf[f"spark.kubernetes.authenticate.{role}.serviceAccountName"] = pod["serviceAccount"]
    labels = (app["metadata"].get("labels") or {}) | (pod.get("labels") or {})
    conf |= {f"{k8s}.label.{k}": str(v) for k, v in labels.items()}
    conf |= {f"{k8s}.annotation.{k}": str(v) for k, v in (pod.get("annotations") or {}).items()}
    for secret in pod.get("secrets") or []:
        if secret.get("secretType", "Generic") != "Generic":
            raise ConfigError(
                f"{where}.secrets: secretType {secret['secretType']} has no spark-submit translation here"
            )
        conf[f"{k8s}.secrets.{secret['name']}"] = secret["path"]
    conf |= _volume_conf(k8s, pod.get("volumeMounts") or [], app["spec"].get("volumes") or [], where)
    conf |= _env_conf(role, pod, config_maps, where)
    return conf


def _volume_conf(k8s: str, mounts: list[dict], volumes: list[dict], where: str) -> dict[str, str]:
    by_name = {volume["name"]: volume for volume in volumes}
    conf: dict[str, str] = {}
    for mount in mounts:
        volume = by_name.get(mount["name"])
        if volume is None:
            raise ConfigError(f"{where}.volumeMounts: no volume named {mount['name']} in spec.volumes")
        if "persistentVolumeClaim" in volume:
            kind, options = "persistentVolumeClaim", {"claimName": volume["persistentVolumeClaim"]["claimName"]}
        elif "emptyDir" in volume:
            kind, options = (
                "emptyDir",
                {k: v for k, v in (volume["emptyDir"] or {}).items() if k in ("medium", "sizeLimit")},
            )
        else:
            raise ConfigError(f"{where}.volumeMounts: volume {mount['name']} is neither a PVC nor an emptyDir")
        prefix = f"{k8s}.volumes.{kind}.{mount['name']}"
        conf[f"{prefix}.mount.path"] = mount["mountPath"]
        conf[f"{prefix}.mount.readOnly"] = str(bool(mount.get("readOnly", False))).lower()
        if mount.get("subPath"):
            conf[f"{prefix}.mount.subPath"] = mount["subPath"]
        conf |= {f"{prefix}.options.{k}": str(v) for k, v in options.items()}
    return conf


def _env_conf(role: str, pod: dict, config_maps: dict[str, dict], where: str) -> dict[str, str]:
    """Environment values (ConfigMap entries inlined, `env` over `envFrom`) and Secret references."""
    values: dict[str, str] = {}
    secrets: dict[str, str] = {}

    def config_map(name: str) -> dict:
        if name not in config_maps:
            raise ConfigError(f"{where}: ConfigMap {name} is not in the rendered manifests")
        return config_maps[name]

    for source in pod.get("envFrom") or []:
        if set(source) - {"configMapRef", "prefix"}:
            raise ConfigError(
                f"{where}.envFrom: only configMapRef has a spark-submit translation (Secret keys are unknown)"
            )
        prefix = source.get("prefix", "")
        values |= {prefix + k: str(v) for k, v in config_map(source["configMapRef"]["name"]).items()}
    for var in pod.get("env") or []:
        source = var.get("valueFrom")
        values.pop(var["name"], None)
        secrets.pop(var["name"], None)
        if source is None:
            values[var["name"]] = str(var.get("value", ""))
        elif "secretKeyRef" in source:
            ref = source["secretKeyRef"]
            secrets[var["name"]] = f"{ref['name']}:{ref['key']}"
        elif "configMapKeyRef" in source:
            ref = source["configMapKeyRef"]
            values[var["name"]] = str(config_map(ref["name"])[ref["key"]])
        else:
            raise ConfigError(f"{where}.env.{var['name']}: only values, configMapKeyRef and secretKeyRef translate")
    env_key = "spark.kubernetes.driverEnv" if role == "driver" else "spark.executorEnv"
    conf = {f"{env_key}.{k}": v for k, v in values.items()}
    return conf | {f"spark.kubernetes.{role}.secretKeyRef.{k}": ref for k, ref in secrets.items()}


def _dynamic_allocation_conf(dynamic: dict, name: str) -> dict[str, str]:
    fields = {
        "enabled": "spark.dynamicAllocation.enabled",
        "initialExecutors": "spark.dynamicAllocation.initialExecutors",
        "minExecutors": "spark.dynamicAllocation.minExecutors",
        "maxExecutors": "spark.dynamicAllocation.maxExecutors",
        "shuffleTrackingEnabled": "spark.dynamicAllocation.shuffleTracking.enabled",
        "shuffleTrackingTimeout": "spark.dynamicAllocation.shuffleTracking.timeout",
    }
    _refuse_unknown(dynamic, set(fields), f"{name}: spec.dynamicAllocation")
    return {fields[k]: str(v).lower() if isinstance(v, bool) else str(v) for k, v in dynamic.items()}


def format_command(argv: list[str]) -> str:
    """An argv as a shell command, one option per line with backslashes; the application's arguments end it."""
    lines, i = [shlex.quote(argv[0])], 1
    while i < len(argv) and argv[i].startswith("--"):
        takes_value = i + 1 < len(argv) and not argv[i + 1].startswith("--")
        lines.append(" ".join(shlex.quote(token) for token in argv[i : i + 1 + takes_value]))
        i += 1 + takes_value
    if i < len(argv):
        lines.append(shlex.quote(argv[i]))
    if i + 1 < len(argv):
        lines.append(" ".join(shlex.quote(token) for token in argv[i + 1 :]))
    return " \\\n  ".join(lines)
