"""Deployment files: the YAML parses and matches our settings; the Dockerfile has the promised shape.

No Docker engine or Kubernetes cluster exists here: nothing is built or applied (docs/operations.md).
"""
import json
import os
import re

import yaml

from opsutil import cli

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
K8S = os.path.join(ROOT, "deploy", "kubernetes")

# DESIGN.md section 1: queue -> group.
GROUPS = {"email_queue": "email_workers", "sms_queue": "sms_workers",
          "file_processing_queue": "file_workers", "verification_queue": "verification_workers"}
# DESIGN.md section 6, plus the engine's and the server's own settings.
SETTINGS = {
    "REDIS_URL", "BLUEPRINT_WORKER_ID", "BLUEPRINT_QUEUES", "BLUEPRINT_CONCURRENCY", "BLUEPRINT_DIAGNOSTICS",
    "BLUEPRINT_LOG_LEVEL", "BLUEPRINT_HTTP_HOST", "BLUEPRINT_HTTP_PORT", "BLUEPRINT_ADMIN_TOKEN", "BLUEPRINT_ENCRYPTION_KEYS",
    "SMTP_URL", "MAIL_FROM", "SMTP_CA_FILE", "SMS_PROVIDER", "SMS_API_BASE_URL", "STORAGE_URL", "CLAMD_ADDRESS",
    "BLUEPRINT_CONFIG", "BLUEPRINT_SECRETS_DIR", "BLUEPRINT_ADMIN_TOKEN_FILE", "BLUEPRINT_SHUTDOWN_GRACE_MS",
    "BLUEPRINT_BLOCK_MS", "BLUEPRINT_MIN_IDLE_MS", "BLUEPRINT_HEARTBEAT_MS", "BLUEPRINT_RECLAIM_MS",
    "BLUEPRINT_MAX_DELIVERIES", "BLUEPRINT_SCHEDULER_MS", "BLUEPRINT_MAX_PAYLOAD_BYTES", "BLUEPRINT_ALERT_WEBHOOK_URL",
    "BLUEPRINT_CONSUMER_IDLE_MS",
}


def load(name):
    with open(os.path.join(K8S, name)) as f:
        return [doc for doc in yaml.safe_load_all(f) if doc]


def one(name, kind):
    docs = [d for d in load(name) if d["kind"] == kind]
    assert len(docs) == 1, (name, kind)
    return docs[0]


def settings_file():
    return json.loads(one("configmap.yaml", "ConfigMap")["data"]["blueprint.json"])


def test_every_manifest_parses_and_names_known_settings():
    for name in sorted(os.listdir(K8S)):
        assert name.endswith(".yaml"), name
        for doc in load(name):
            assert doc["apiVersion"] and doc["kind"] and doc["metadata"]["name"], name
    config = settings_file()
    assert set(config) <= SETTINGS, set(config) - SETTINGS
    secret_keys = set(one("secret.example.yaml", "Secret")["stringData"])
    assert secret_keys - {"REDIS_PASSWORD"} <= SETTINGS
    container = one("deployment.yaml", "Deployment")["spec"]["template"]["spec"]["containers"][0]
    assert {e["name"] for e in container["env"]} <= SETTINGS


def test_deployment_probes_ports_secrets_and_shutdown_match_the_settings():
    config = settings_file()
    deployment = one("deployment.yaml", "Deployment")
    pod = deployment["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["args"] == ["serve"]
    port = {p["name"]: p["containerPort"] for p in container["ports"]}["http"]
    assert port == config["BLUEPRINT_HTTP_PORT"]
    assert config["BLUEPRINT_HTTP_HOST"] == "0.0.0.0", "probes reach the pod IP"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        assert container[probe]["httpGet"]["port"] in ("http", port)

    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    env = {e["name"]: e for e in container["env"]}
    assert env["BLUEPRINT_CONFIG"]["value"] == mounts["config"] + "/blueprint.json"
    assert volumes["config"]["configMap"]["name"] == one("configmap.yaml", "ConfigMap")["metadata"]["name"]
    # Secrets are mounted files in the directory the settings name, never env values.
    assert mounts["secrets"] == config["BLUEPRINT_SECRETS_DIR"]
    assert volumes["secrets"]["secret"]["secretName"] == one("secret.example.yaml", "Secret")["metadata"]["name"]
    assert not any("secretKeyRef" in json.dumps(e) for e in container["env"])
    assert env["BLUEPRINT_WORKER_ID"]["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.name"

    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] != 0
    assert pod["terminationGracePeriodSeconds"] * 1000 > config["BLUEPRINT_SHUTDOWN_GRACE_MS"]

    service = one("service.yaml", "Service")
    assert service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
    assert service["spec"]["ports"][0]["targetPort"] in ("http", port)


def test_keda_scales_the_deployment_on_every_consumed_queue():
    config = settings_file()
    scaled = one("keda-scaledobject.yaml", "ScaledObject")
    auth = one("keda-scaledobject.yaml", "TriggerAuthentication")
    assert scaled["spec"]["scaleTargetRef"]["name"] == one("deployment.yaml", "Deployment")["metadata"]["name"]
    queues = config["BLUEPRINT_QUEUES"].split(",")
    by_queue = {}
    for trigger in scaled["spec"]["triggers"]:
        assert trigger["type"] == "redis-streams"
        assert trigger["authenticationRef"]["name"] == auth["metadata"]["name"]
        meta = trigger["metadata"]
        assert meta["consumerGroup"] == GROUPS[meta["stream"]], meta
        kinds = {k for k in ("lagCount", "pendingEntriesCount", "streamLength") if k in meta}
        assert len(kinds) == 1 and int(meta[kinds.pop()]) > 0
        by_queue.setdefault(meta["stream"], set()).update(k for k in ("lagCount", "pendingEntriesCount") if k in meta)
    assert by_queue == {q: {"lagCount", "pendingEntriesCount"} for q in queues}
    ref = auth["spec"]["secretTargetRef"][0]
    assert ref["name"] == one("secret.example.yaml", "Secret")["metadata"]["name"]
    assert ref["key"] in one("secret.example.yaml", "Secret")["stringData"]


def test_the_configmap_and_secret_pass_the_workers_own_validation(tmp_path):
    config_path = tmp_path / "blueprint.json"
    config_path.write_text(one("configmap.yaml", "ConfigMap")["data"]["blueprint.json"])
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    for key, value in one("secret.example.yaml", "Secret")["stringData"].items():
        (secrets / key).write_text(value + "\n")
    out = cli("check-config", env={"BLUEPRINT_CONFIG": str(config_path), "BLUEPRINT_SECRETS_DIR": str(secrets)})
    assert out.returncode == 0, out.stderr
    assert "settings ok" in out.stdout and "0.0.0.0:8080" in out.stdout and "admin API enabled" in out.stdout
    assert "CHANGE-ME" not in out.stdout, "secrets are never printed"


def test_dockerfile_is_multi_stage_and_runs_as_non_root():
    text = open(os.path.join(ROOT, "Dockerfile")).read()
    stages = re.findall(r"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", text, re.M)
    assert len(stages) == 2 and stages[0][0].startswith("swift:") and "slim" in stages[1][0]
    assert re.search(r"^COPY --from=build ", text, re.M)
    user = re.findall(r"^USER\s+(\S+)", text, re.M)
    assert user and not user[-1].startswith(("0", "root"))
    assert re.search(r"^EXPOSE 8080$", text, re.M)
    assert '"serve"' in text
