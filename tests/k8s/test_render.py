"""The kustomize subset of lakehouse.k8s.build, on small kustomizations written for each test."""

import shlex
from pathlib import Path

import pytest
import yaml

from lakehouse.config import ConfigError
from lakehouse.k8s import build, format_command

DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "labels": {"app": "web"}},
    "spec": {
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {
                "containers": [
                    {
                        "name": "web",
                        "image": "joblake:1.0",
                        "args": ["--port", "80"],
                        "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
                        "resources": {"limits": {"cpu": "1", "memory": "1Gi"}},
                    },
                    {"name": "sidecar", "image": "busybox:1.37"},
                ]
            },
        },
    },
}
SPARK_APP = {
    "apiVersion": "sparkoperator.k8s.io/v1beta2",
    "kind": "SparkApplication",
    "metadata": {"name": "job"},
    "spec": {"image": "joblake", "driver": {"env": [{"name": "A", "value": "1"}]}, "sparkConf": {"a": "1"}},
}


WITH_PORTS = yaml.safe_load(yaml.safe_dump(DEPLOYMENT))
WITH_PORTS["spec"]["template"]["spec"]["containers"][0]["ports"] = [{"name": "http", "containerPort": 80}]
PORTS_PATCH = """
spec:
  template:
    spec:
      containers:
        - name: web
          ports: [{name: http, containerPort: 8080}]
"""


def write(root: Path, files: dict[str, object]) -> Path:
    """Write YAML files (a list value is a multi-document file) below root; returns root."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        docs = content if isinstance(content, list) else [content]
        path.write_text(yaml.safe_dump_all(docs, sort_keys=False) if not isinstance(content, str) else content)
    return root


def kustomization(**fields) -> dict:
    return {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization", **fields}


def by_name(objects: list[dict]) -> dict[str, dict]:
    return {o["metadata"]["name"]: o for o in objects}


def test_resources_take_files_documents_and_built_folders(tmp_path):
    write(
        tmp_path,
        {
            "base/kustomization.yaml": kustomization(resources=["app.yaml"], labels=[{"pairs": {"layer": "base"}}]),
            "base/app.yaml": [DEPLOYMENT, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}}],
            "top/kustomization.yaml": kustomization(resources=["../base", "extra.yaml"], namespace="ns"),
            "top/extra.yaml": {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ns"}},
        },
    )
    objects = build(tmp_path / "top")
    assert [o["kind"] for o in objects] == ["Namespace", "ConfigMap", "Deployment"]  # kustomize's legacy order
    web = by_name(objects)["web"]
    assert web["metadata"]["labels"]["layer"] == "base"  # the base's own transformation applied
    assert web["metadata"]["namespace"] == "ns"  # then the including kustomization's
    assert "layer" not in by_name(objects)["ns"]["metadata"].get("labels", {})  # not a resource of the base


def test_namespace_skips_cluster_scoped_kinds_and_sets_default_subjects(tmp_path):
    binding = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "RoleBinding",
        "metadata": {"name": "rb"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "r"},
        "subjects": [{"kind": "ServiceAccount", "name": "default"}, {"kind": "ServiceAccount", "name": "spark"}],
    }
    cluster_role = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "cr"}}
    write(
        tmp_path,
        {"kustomization.yaml": kustomization(resources=["r.yaml"], namespace="ns"), "r.yaml": [binding, cluster_role]},
    )
    objects = by_name(build(tmp_path))
    assert objects["rb"]["metadata"]["namespace"] == "ns"
    assert objects["rb"]["subjects"] == [
        {"kind": "ServiceAccount", "name": "default", "namespace": "ns"},  # kustomize sets only `default`
        {"kind": "ServiceAccount", "name": "spark"},  # left to mean the binding's own namespace
    ]
    assert "namespace" not in objects["cr"]["metadata"]


@pytest.mark.parametrize(
    ("include_templates", "template_labels"),
    [
        (True, {"app": "web", "team": "data"}),  # pod template labelled too
        (False, {"app": "web"}),  # metadata only
    ],
)
def test_labels_reach_templates_only_when_asked_and_never_selectors(tmp_path, include_templates, template_labels):
    labels = [{"pairs": {"team": "data"}, "includeTemplates": include_templates}]
    write(tmp_path, {"kustomization.yaml": kustomization(resources=["d.yaml"], labels=labels), "d.yaml": DEPLOYMENT})
    (web,) = build(tmp_path)
    assert web["metadata"]["labels"] == {"app": "web", "team": "data"}
    assert web["spec"]["template"]["metadata"]["labels"] == template_labels
    assert web["spec"]["selector"] == {"matchLabels": {"app": "web"}}


@pytest.mark.parametrize(
    ("image", "entry", "expected"),
    [
        ("joblake", {"newName": "ghcr.io/x/joblake", "newTag": "2"}, "ghcr.io/x/joblake:2"),  # name and tag
        ("joblake:1.0", {"newTag": "2"}, "joblake:2"),  # tag replaced
        ("joblake:1.0", {"newName": "reg:5000/joblake"}, "reg:5000/joblake:1.0"),  # tag kept, registry port
        ("joblake:1.0", {"digest": "sha256:abc"}, "joblake@sha256:abc"),  # digest instead of tag
        ("joblake-kafka:1.0", {"newTag": "2"}, "joblake-kafka:1.0"),  # another image: untouched
    ],
)
def test_images_rewrite_container_images(tmp_path, image, entry, expected):
    deployment = yaml.safe_load(yaml.safe_dump(DEPLOYMENT))
    deployment["spec"]["template"]["spec"]["containers"][0]["image"] = image
    images = [{"name": "joblake", **entry}]
    write(tmp_path, {"kustomization.yaml": kustomization(resources=["d.yaml"], images=images), "d.yaml": deployment})
    (web,) = build(tmp_path)
    containers = web["spec"]["template"]["spec"]["containers"]
    assert [c["image"] for c in containers] == [expected, "busybox:1.37"]


def test_configured_image_fields_apply_in_including_kustomizations(tmp_path):
    write(
        tmp_path,
        {
            "base/kustomization.yaml": kustomization(resources=["app.yaml"], configurations=["config.yaml"]),
            "base/config.yaml": {"images": [{"path": "spec/image", "kind": "SparkApplication"}]},
            "base/app.yaml": SPARK_APP,
            "top/kustomization.yaml": kustomization(resources=["../base"], images=[{"name": "joblake", "newTag": "3"}]),
        },
    )
    (app,) = build(tmp_path / "top")
    assert app["spec"]["image"] == "joblake:3"


def test_strategic_merge_patches_merge_maps_and_named_lists(tmp_path):
    patch = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "replicas": 2,
            "template": {
                "spec": {
                    "containers": [
                        {
                            "name": "web",
                            "args": ["--port", "8080"],
                            "env": [{"name": "B", "value": "20"}, {"name": "C", "value": "3"}],
                            "resources": {"limits": {"cpu": None}},
                        }
                    ]
                }
            },
        },
    }
    write(
        tmp_path,
        {
            "kustomization.yaml": kustomization(resources=["d.yaml"], patches=[{"path": "p.yaml"}]),
            "d.yaml": DEPLOYMENT,
            "p.yaml": patch,
        },
    )
    (web,) = build(tmp_path)
    web_container, sidecar = web["spec"]["template"]["spec"]["containers"]
    assert web["spec"]["replicas"] == 2
    assert web_container["args"] == ["--port", "8080"]  # a list without names is replaced
    assert web_container["env"] == [
        {"name": "A", "value": "1"},
        {"name": "B", "value": "20"},
        {"name": "C", "value": "3"},
    ]
    assert web_container["resources"] == {"limits": {"memory": "1Gi"}}  # null deletes
    assert web_container["image"] == "joblake:1.0" and sidecar == {"name": "sidecar", "image": "busybox:1.37"}


def test_targeted_patches_apply_to_every_selected_object(tmp_path):
    other = {**SPARK_APP, "metadata": {"name": "other-job"}}
    patch = "spec:\n  sparkConf:\n    b: '2'\n  driver:\n    env:\n      - name: S\n        value: s\n"
    targets = [
        ({"kind": "SparkApplication"}, {"job", "other-job"}),  # every object of the kind
        ({"kind": "SparkApplication", "name": "other-.*"}, {"other-job"}),  # name is an anchored regex
        ({"kind": "SparkApplication", "name": "other"}, set()),  # ... so a prefix selects nothing
    ]
    for target, patched in targets:
        write(
            tmp_path,
            {
                "kustomization.yaml": kustomization(resources=["a.yaml"], patches=[{"patch": patch, "target": target}]),
                "a.yaml": [SPARK_APP, other],
            },
        )
        objects = by_name(build(tmp_path))
        assert {name for name, o in objects.items() if o["spec"]["sparkConf"].get("b") == "2"} == patched, target
        for name in patched:
            assert objects[name]["spec"]["sparkConf"] == {"a": "1", "b": "2"}
            assert [e["name"] for e in objects[name]["spec"]["driver"]["env"]] == ["A", "S"]


@pytest.mark.parametrize(
    ("fields", "files", "message"),
    [
        ({"commonLabels": {"a": "b"}}, {}, "commonLabels not supported"),  # a field the renderer lacks
        ({"namePrefix": "x-"}, {}, "namePrefix not supported"),
        ({"configMapGenerator": [{"name": "c"}]}, {}, "configMapGenerator not supported"),
        ({"labels": [{"pairs": {"a": "b"}, "includeSelectors": True}]}, {}, "includeSelectors"),
        ({"patches": [{"path": "p.yaml"}]}, {"p.yaml": [[{"op": "add", "path": "/x", "value": 1}]]}, "JSON 6902"),
        (
            {"patches": [{"path": "p.yaml"}]},
            {"p.yaml": {**SPARK_APP, "metadata": {"name": "nope"}}},
            "no unique object",
        ),
        (
            {
                "patches": [
                    {
                        "patch": "spec:\n  driver:\n    env:\n      - {name: A, $patch: delete}\n",
                        "target": {"kind": "SparkApplication"},
                    }
                ]
            },
            {},
            "directives are not supported",
        ),
        (
            {"patches": [{"patch": PORTS_PATCH, "target": {"kind": "Deployment"}}]},
            {"d.yaml": WITH_PORTS},
            "merges this list by a key of its own",  # kustomize merges ports by containerPort, not name
        ),
        ({"patches": [{"path": "../outside.yaml"}]}, {}, "outside the kustomization's folder"),
        ({"resources": ["a.yaml", "a.yaml"]}, {}, "defined twice"),
        ({"resources": ["."]}, {}, "includes itself"),
    ],
)
def test_what_the_renderer_does_not_do_is_an_error(tmp_path, fields, files, message):
    root = tmp_path / "k"
    resources = fields.pop("resources", ["a.yaml", "d.yaml"])
    write(root, {"a.yaml": SPARK_APP, "d.yaml": DEPLOYMENT, **files})
    write(root, {"kustomization.yaml": kustomization(resources=resources, **fields)})
    (tmp_path / "outside.yaml").write_text("kind: SparkApplication\n")
    with pytest.raises(ConfigError, match=message):
        build(root)


def test_format_command_is_one_option_per_line_and_round_trips():
    argv = [
        "spark-submit",
        "--master",
        "k8s://https://h",
        "--conf",
        "a=b c",
        "--conf",
        "x=*",
        "local:///m.py",
        "run",
        "--date",
        "d",
    ]
    text = format_command(argv)
    assert text.splitlines() == [
        "spark-submit \\",
        "  --master k8s://https://h \\",
        "  --conf 'a=b c' \\",
        "  --conf 'x=*' \\",
        "  local:///m.py \\",
        "  run --date d",
    ]
    assert shlex.split(text.replace("\\\n", " ")) == argv
