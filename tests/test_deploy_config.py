"""The JupyterHub deployment files in deploy/ are well-formed and hold what the course needs.

Static checks only (no cluster, no hub): YAML parses, the Helm values use the
jupyterhub chart's own keys and set the resources, shared exchange volume,
culling and formgrader framing; the memory guarantee covers the figure the
capacity benchmark recorded; the Python configs compile and behave; the TLJH
script passes `bash -n`; the content link in deploy/README.md is well-formed.
"""

from __future__ import annotations

import json
import re
import subprocess
import types
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from traitlets.config import Config

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"
VALUES = DEPLOY / "z2jh" / "values.yaml"
PVC = DEPLOY / "z2jh" / "exchange-pvc.yaml"
LEARNER = DEPLOY / "nbgrader_config.learner.py"
INSTRUCTOR = DEPLOY / "nbgrader_config.instructor.py"
TLJH_CONFIG = DEPLOY / "tljh" / "jupyterhub_config.d" / "clinician-course.py"
SETUP = DEPLOY / "tljh" / "setup.sh"
README = DEPLOY / "README.md"
CAPACITY = DEPLOY / "capacity.json"
CSP = "frame-ancestors 'self'"

# Keys of the jupyterhub chart's values.schema.yaml that these values may use (the
# chart rejects unknown keys in these sections). Free-form sections are not listed.
CHART_KEYS = {
    "": {"hub", "singleuser", "cull", "custom", "proxy", "scheduling", "prePuller",
         "ingress", "debug", "rbac", "imagePullSecrets", "global"},
    "hub": {"db", "config", "extraConfig", "extraEnv", "extraFiles", "baseUrl", "cookieSecret",
            "image", "resources", "networkPolicy", "loadRoles", "services", "existingSecret",
            "nodeSelector", "tolerations", "extraVolumes", "extraVolumeMounts", "concurrentSpawnLimit",
            "activeServerLimit", "allowNamedServers", "templatePaths", "templateVars"},
    "hub.db": {"type", "pvc", "upgrade", "url", "password"},
    "hub.db.pvc": {"annotations", "selector", "storage", "accessModes", "storageClassName", "subPath"},
    "singleuser": {"image", "defaultUrl", "cpu", "memory", "storage", "extraEnv", "extraFiles",
                   "initContainers", "networkPolicy", "profileList", "cmd", "startTimeout", "uid",
                   "fsGid", "extraLabels", "extraAnnotations", "extraContainers", "extraPodConfig",
                   "extraResource", "lifecycleHooks", "nodeSelector", "extraTolerations",
                   "serviceAccountName", "allowPrivilegeEscalation", "cloudMetadata", "events",
                   "podNameTemplate", "networkTools", "extraNodeAffinity", "extraPodAffinity",
                   "extraPodAntiAffinity"},
    "singleuser.image": {"name", "tag", "pullPolicy", "pullSecrets"},
    "singleuser.cpu": {"limit", "guarantee"},
    "singleuser.memory": {"limit", "guarantee"},
    "singleuser.storage": {"type", "capacity", "dynamic", "static", "extraLabels", "extraVolumes",
                           "extraVolumeMounts", "homeMountPath"},
    "singleuser.networkPolicy": {"enabled", "ingress", "egress", "egressAllowRules",
                                 "interNamespaceAccessLabels", "allowedIngressPorts"},
    "cull": {"enabled", "users", "adminUsers", "removeNamedServers", "timeout", "every",
             "concurrency", "maxAge"},
}
EXTRA_FILE_KEYS = {"mountPath", "data", "stringData", "binaryData", "mode"}
BYTE_UNITS = {"K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}


@pytest.fixture(scope="module")
def values() -> dict:
    return yaml.safe_load(VALUES.read_text(encoding="utf-8"))


def run_config(path: Path, env: dict[str, str], monkeypatch, **names) -> Config:
    """Execute a traitlets config file as Jupyter/nbgrader would; return its config."""
    for key in ("COURSE_STUDENT_ID_FROM_HUB", "JUPYTERHUB_USER", "COURSE_GRADEBOOK_URL",
                "COURSE_EXCHANGE_ROOT", "COURSE_ROOT"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    c = Config()
    namespace = {"get_config": lambda *a, **k: c, "c": c, "__file__": str(path), **names}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
    return c


def memory_bytes(value) -> int:
    """A memory size as KubeSpawner/TLJH read it: bytes, or a number with K, M, G or T (x1024)."""
    if isinstance(value, int | float):
        return int(value)
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([KMGT])", str(value))
    assert match, f"{value!r} is not a size KubeSpawner accepts (e.g. '768M', '2G'; not '2Gi')"
    return int(float(match[1]) * BYTE_UNITS[match[2]])


def test_every_yaml_file_parses():
    files = sorted(p for ext in ("*.yaml", "*.yml") for p in DEPLOY.rglob(ext))
    assert VALUES in files and PVC in files
    for path in files:
        documents = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
        assert documents and all(isinstance(d, dict) for d in documents), path


def test_values_use_only_chart_keys(values):
    for section, allowed in CHART_KEYS.items():
        node = values
        for part in filter(None, section.split(".")):
            node = node.get(part, {})
        unknown = set(node) - allowed
        assert not unknown, f"not keys of the jupyterhub chart under {section or 'the top'}: {unknown}"
    for name, entry in values["singleuser"]["extraFiles"].items():
        assert set(entry) <= EXTRA_FILE_KEYS and "mountPath" in entry, name
        assert sum(k in entry for k in ("data", "stringData", "binaryData")) == 1, name


def test_image_is_named_and_tagged(values):
    image = values["singleuser"]["image"]
    assert isinstance(image["name"], str) and "/" in image["name"] and ":" not in image["name"]
    assert isinstance(image["tag"], str) and image["tag"].strip()


def test_guarantees_do_not_exceed_limits(values):
    cpu, memory = values["singleuser"]["cpu"], values["singleuser"]["memory"]
    assert all(isinstance(cpu[k], int | float) for k in ("guarantee", "limit")), "the chart wants CPU as numbers"
    assert 0 < cpu["guarantee"] <= cpu["limit"]
    assert 0 < memory_bytes(memory["guarantee"]) <= memory_bytes(memory["limit"])


def test_memory_guarantee_covers_the_benchmark(values):
    recorded = json.loads(CAPACITY.read_text(encoding="utf-8"))["recommended"]
    needed = recorded["memory_guarantee_mib"] * 1024**2
    assert memory_bytes(values["singleuser"]["memory"]["guarantee"]) >= needed
    assert values["singleuser"]["cpu"]["guarantee"] >= recorded["cpu_guarantee"]
    # TLJH has no guarantees; its per-user limit must still hold the measured working set.
    tljh_limit = re.search(r"^tljh-config set limits\.memory (\S+)$", SETUP.read_text(), re.M)
    assert tljh_limit and memory_bytes(tljh_limit[1]) >= needed


def test_exchange_is_a_shared_volume_mounted_where_learners_look(values, monkeypatch):
    pvc = yaml.safe_load(PVC.read_text(encoding="utf-8"))
    assert pvc["kind"] == "PersistentVolumeClaim" and "ReadWriteMany" in pvc["spec"]["accessModes"]
    storage = values["singleuser"]["storage"]
    volumes = {v["name"]: v for v in storage["extraVolumes"]}
    exchange = run_config(LEARNER, {}, monkeypatch).Exchange.root
    mounts = [m for m in storage["extraVolumeMounts"] if m["mountPath"] == exchange]
    assert mounts, f"no volume is mounted at the learners' Exchange.root {exchange}"
    volume = volumes[mounts[0]["name"]]
    assert volume["persistentVolumeClaim"]["claimName"] == pvc["metadata"]["name"]


def test_culling_is_enabled(values):
    cull = values["cull"]
    assert cull["enabled"] is True
    assert isinstance(cull["timeout"], int) and isinstance(cull["every"], int)
    assert 0 < cull["every"] < cull["timeout"]


def test_formgrader_can_be_framed_on_graders_servers(values):
    files = values["singleuser"]["extraFiles"].values()
    server = [f for f in files if f["mountPath"].endswith("/jupyter_server_config.json")
              and "Content-Security-Policy" in json.dumps(f.get("data", {}))]
    assert len(server) == 1
    # Learners keep JupyterHub's "frame-ancestors 'none'": the relaxed file is not on their path.
    assert server[0]["mountPath"] != "/etc/jupyter/jupyter_server_config.json"
    headers = server[0]["data"]["ServerApp"]["tornado_settings"]["headers"]
    assert CSP in headers["Content-Security-Policy"]
    # ...in the folder the hub puts on graders' config path, beside their nbgrader config.
    folder = str(Path(server[0]["mountPath"]).parent)
    assert f'"JUPYTER_CONFIG_PATH"] = "{folder}"' in values["hub"]["extraConfig"]["clinician-course.py"]
    assert any(f["mountPath"] == f"{folder}/nbgrader_config.py" for f in files)
    # TLJH: setup.sh writes the same setting where its hub config points graders.
    setup = SETUP.read_text(encoding="utf-8")
    assert CSP in setup and "/etc/jupyter/instructor/jupyter_server_config.json" in setup
    assert 'INSTRUCTOR_CONFIG_DIR = "/etc/jupyter/instructor"' in TLJH_CONFIG.read_text(encoding="utf-8")


def test_nbgrader_configs_in_values_are_the_repository_files(values):
    files = values["singleuser"]["extraFiles"]
    assert files["nbgrader-learner"]["stringData"] == LEARNER.read_text(encoding="utf-8")
    assert files["nbgrader-learner"]["mountPath"] == "/etc/jupyter/nbgrader_config.py"
    assert files["nbgrader-instructor"]["stringData"] == INSTRUCTOR.read_text(encoding="utf-8")


def test_python_configs_compile():
    paths = [LEARNER, INSTRUCTOR, TLJH_CONFIG, *sorted(DEPLOY.rglob("*.py"))]
    for path in paths:
        compile(path.read_text(encoding="utf-8"), str(path), "exec")


def test_learner_config(monkeypatch):
    c = run_config(LEARNER, {}, monkeypatch)
    assert c.CourseDirectory.course_id == "clinician-course"
    assert c.Exchange.root == "/srv/nbgrader/exchange"
    assert "student_id" not in c.CourseDirectory  # TLJH: the system user names the submission
    c = run_config(LEARNER, {"COURSE_STUDENT_ID_FROM_HUB": "1", "JUPYTERHUB_USER": "ana"}, monkeypatch)
    assert c.CourseDirectory.student_id == "ana"  # z2jh: everyone is jovyan


def test_instructor_config_reads_the_gradebook_from_the_environment(monkeypatch, tmp_path):
    loaded = []
    names = {"load_subconfig": loaded.append}
    c = run_config(INSTRUCTOR, {"COURSE_ROOT": str(tmp_path)}, monkeypatch, **names)
    assert loaded == [str(tmp_path / "nbgrader_config.py")]
    assert "db_url" not in c.CourseDirectory  # no gradebook address: the course's SQLite stays
    assert c.CourseDirectory.student_id == "*"
    url = "postgresql://grader@db:5432/clinician_course"
    c = run_config(INSTRUCTOR, {"COURSE_GRADEBOOK_URL": url}, monkeypatch, **names)
    assert c.CourseDirectory.db_url == url


def test_no_password_is_written_into_deploy():
    credentials = re.compile(r"\w+://[^\s/:@'\"]+:(?!<|%s|\$)[^\s@'\"]+@")
    for path in sorted(p for p in DEPLOY.rglob("*") if p.is_file()):
        found = credentials.findall(path.read_text(encoding="utf-8"))
        assert not found, f"{path.relative_to(REPO)} holds a URL with a password"


class FakeSpawner:
    def __init__(self, name: str):
        self.user = types.SimpleNamespace(name=name)
        self.environment = {"KEEP": "1"}
        self.volume_mounts = [{"name": "home", "mountPath": "/home/jovyan"}]
        self.notebook_dir = self.working_dir = ""


def test_tljh_hub_config_sets_up_graders_only(monkeypatch):
    c = run_config(TLJH_CONFIG, {}, monkeypatch)
    hook = c.Spawner.pre_spawn_hook
    namespace = hook.__globals__
    monkeypatch.setitem(namespace, "graders", lambda: frozenset({"teacher"}))
    monkeypatch.setitem(namespace, "_gradebook_url", lambda: "postgresql://grader@localhost/clinician_course")
    learner, teacher = FakeSpawner("ana"), FakeSpawner("teacher")
    hook(learner)
    hook(teacher)
    assert learner.environment == {"KEEP": "1", "COURSE_EXCHANGE_ROOT": "/srv/nbgrader/exchange"}
    assert learner.notebook_dir == ""
    assert teacher.environment["JUPYTER_CONFIG_PATH"] == "/etc/jupyter/instructor"
    assert teacher.environment["COURSE_GRADEBOOK_URL"].startswith("postgresql://")
    assert teacher.notebook_dir == "/srv/clinician-course"


def test_z2jh_hub_config_sets_up_graders_only(values, monkeypatch):
    snippet = values["hub"]["extraConfig"]["clinician-course.py"]
    monkeypatch.setenv("COURSE_GRADEBOOK_URL", "postgresql://grader@db/clinician_course")
    c = Config()
    custom = {"custom.graders": values["custom"]["graders"] + ["teacher"]}
    exec(compile(snippet, "hub.extraConfig", "exec"),
         {"c": c, "get_config": lambda key, default=None: custom.get(key, default)})
    learner, teacher = FakeSpawner("ana"), FakeSpawner("teacher")
    c.KubeSpawner.pre_spawn_hook(learner)
    c.KubeSpawner.pre_spawn_hook(teacher)
    assert learner.environment == {"KEEP": "1"} and len(learner.volume_mounts) == 1
    assert teacher.environment["COURSE_GRADEBOOK_URL"].startswith("postgresql://")
    course = [m for m in teacher.volume_mounts if m["mountPath"] == "/srv/clinician-course"]
    assert course and course[0]["name"] in {v["name"] for v in values["singleuser"]["storage"]["extraVolumes"]}
    assert teacher.notebook_dir == teacher.working_dir == "/srv/clinician-course"
    assert values["hub"]["config"]["KubeSpawner"]["working_dir"] == "/home/jovyan"


def test_tljh_setup_script_is_valid_bash():
    result = subprocess.run(["bash", "-n", str(SETUP)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_content_link_opens_the_start_page():
    links = re.findall(r"https://[^\s)`>\]]+/hub/user-redirect/git-pull\?[^\s)`>\]]+", README.read_text(encoding="utf-8"))
    assert links, "deploy/README.md shows no nbgitpuller link"
    environment = (REPO / "environment.yml").read_text(encoding="utf-8") + SETUP.read_text(encoding="utf-8")
    assert "nbgitpuller" in environment, "nbgitpuller is installed neither in the image nor by setup.sh"
    for link in links:
        query = parse_qs(urlsplit(link).query, strict_parsing=True)
        assert {k: len(v) for k, v in query.items()} == {"repo": 1, "branch": 1, "targetpath": 1, "urlpath": 1}
        repo = urlsplit(query["repo"][0])
        assert repo.scheme == "https" and repo.netloc and repo.path.count("/") >= 2
        target = query["targetpath"][0]
        assert query["urlpath"][0] == f"lab/tree/{target}/START-HERE.ipynb"


# ---------------------------------------------------------------- login from the LMS (LTI 1.3)
LTI_CONFIG = DEPLOY / "tljh" / "jupyterhub_config.d" / "lti-login.py"
LTI_SETTINGS = {"issuer": "https://canvas.instructure.com", "client_id": ["10000000000042"],
                "authorize_url": "https://sso.canvaslms.com/api/lti/authorize_redirect",
                "jwks_endpoint": "https://sso.canvaslms.com/api/lti/security/jwks"}
ROLE = "http://purl.imsglobal.org/vocab/lis/v2/"
CUSTOM = "https://purl.imsglobal.org/spec/lti/claim/custom"


def run_lti_config(c: Config | None = None) -> tuple[Config, dict]:
    """Run lti-login.py as Zero to JupyterHub runs hub.extraConfig: inside a config ``c``."""
    c = c if c is not None else Config()
    namespace = {"c": c, "__file__": str(LTI_CONFIG)}
    exec(compile(LTI_CONFIG.read_text(encoding="utf-8"), str(LTI_CONFIG), "exec"), namespace)
    return c, namespace


def test_lti_login_in_values_is_the_tljh_file(values):
    assert values["hub"]["extraConfig"]["lti-login.py"] == LTI_CONFIG.read_text(encoding="utf-8")
    assert set(values["hub"]["config"]["LTI13Authenticator"]) == set(LTI_SETTINGS)
    setup = SETUP.read_text(encoding="utf-8")  # TLJH: the authenticator in the hub's environment, the file in place
    assert "/opt/tljh/hub/bin/python3 -m pip install --quiet \"jupyterhub-ltiauthenticator==" in setup
    assert re.search(r"for file in [^;]*\blti-login\.py\b", setup)


def test_lti_user_name_is_the_lms_user_id():
    name = run_lti_config()[1]["hub_username"]
    assert name({CUSTOM: {"lms_user_id": "1001"}, "sub": "x"}) == "lms-1001"
    assert name({CUSTOM: {"lms_user_id": " 77 "}}) == "lms-77"
    assert name({CUSTOM: {"lms_user_id": "Ola.N@uio.no"}}) == "lms-ola_2en_40uio_2eno"  # lower-case, Unix-safe
    for claims in ({"sub": "a6d5"}, {CUSTOM: {"lms_user_id": "$Canvas.user.id"}}, {CUSTOM: {"lms_user_id": ""}}):
        with pytest.raises(ValueError, match=r"lms_user_id=\$Canvas.user.id"):
            name(claims)


def test_lti_instructor_roles_make_graders_and_nothing_else_does():
    is_grader = run_lti_config()[1]["is_grader"]
    for roles in ([ROLE + "membership#Instructor"], [ROLE + "membership/Instructor#TeachingAssistant"],
                  [ROLE + "membership#Learner", ROLE + "membership/Instructor#Grader"], ["Instructor"]):
        assert is_grader(roles), roles
    for roles in ([], None, [ROLE + "membership#Learner"], [ROLE + "institution/person#Instructor"],
                  [ROLE + "system/person#Administrator"], [ROLE + "membership#ContentDeveloper"],
                  [ROLE + "membership#Mentor"], ["Learner"]):
        assert not is_grader(roles), roles


def test_lti_login_does_nothing_until_the_issuer_is_set(monkeypatch):
    monkeypatch.delitem(__import__("sys").modules, "tljh.configurer", raising=False)
    c, _ = run_lti_config()
    assert "authenticator_class" not in c.JupyterHub and "allow_all" not in c.Authenticator


def test_lti_login_takes_over_when_configured_zero_to_jupyterhub(monkeypatch):
    pytest.importorskip("ltiauthenticator", reason="jupyterhub-ltiauthenticator is in the test extra")
    from ltiauthenticator.lti13.auth import LTI13Authenticator

    c = Config()
    c.LTI13Authenticator.update(LTI_SETTINGS)  # what hub.config holds
    c, _ = run_lti_config(c)
    assert issubclass(c.JupyterHub.authenticator_class, LTI13Authenticator)
    assert c.Authenticator.allow_all is True and c.Authenticator.manage_groups is True


def test_lti_login_reads_tljh_config_yaml(monkeypatch):
    pytest.importorskip("ltiauthenticator", reason="jupyterhub-ltiauthenticator is in the test extra")
    fake = types.ModuleType("tljh.configurer")
    fake.load_config = lambda: {"auth": {"LTI13Authenticator": LTI_SETTINGS}}
    monkeypatch.setitem(__import__("sys").modules, "tljh", types.ModuleType("tljh"))
    monkeypatch.setitem(__import__("sys").modules, "tljh.configurer", fake)
    c, _ = run_lti_config()  # TLJH: a fresh config, config.yaml's values only through its loader
    assert c.JupyterHub.authenticator_class.__name__ == "CourseLTI13Authenticator"


def _run_coroutine(coroutine):
    """Run ``coroutine`` to its end in a thread of its own: the browser tests' Playwright session keeps
    an event loop running in the main thread for the whole test session."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_lti_authenticator_names_users_and_sets_the_graders_group():
    pytest.importorskip("ltiauthenticator", reason="jupyterhub-ltiauthenticator is in the test extra")
    from ltiauthenticator.lti13.error import LoginError

    c = Config()
    c.LTI13Authenticator.update(LTI_SETTINGS)
    authenticator = run_lti_config(c)[0].JupyterHub.authenticator_class(config=c)
    roles = "https://purl.imsglobal.org/spec/lti/claim/roles"
    teacher = {CUSTOM: {"lms_user_id": "1002"}, roles: [ROLE + "membership#Instructor"]}
    learner = {CUSTOM: {"lms_user_id": "1001"}, roles: [ROLE + "membership#Learner"]}
    got = _run_coroutine(authenticator.authenticate(None, teacher))
    assert (got["name"], got["groups"]) == ("lms-1002", ["clinician-graders"])
    got = _run_coroutine(authenticator.authenticate(None, learner))
    assert (got["name"], got["groups"]) == ("lms-1001", [])
    with pytest.raises(LoginError, match="lms_user_id"):
        _run_coroutine(authenticator.authenticate(None, {roles: [], "sub": "x"}))
    assert authenticator.issuer == LTI_SETTINGS["issuer"]  # LTI13Authenticator's settings reach the subclass


class GroupSpawner(FakeSpawner):
    """A spawner whose user is in hub groups, as the LTI login leaves them."""

    def __init__(self, name: str, groups: list[str]):
        super().__init__(name)
        self.user.groups = [types.SimpleNamespace(name=g) for g in groups]
        self.user_groups = {"clinician-graders": ["teacher"]}  # TLJH's UserCreatingSpawner setting


def test_tljh_hook_treats_the_lti_graders_group_as_graders(monkeypatch):
    c = run_config(TLJH_CONFIG, {}, monkeypatch)
    hook = c.Spawner.pre_spawn_hook
    monkeypatch.setitem(hook.__globals__, "graders", lambda: frozenset())
    teacher, learner = GroupSpawner("lms-1002", ["clinician-graders"]), GroupSpawner("lms-1001", [])
    hook(teacher)
    hook(learner)
    assert teacher.environment["JUPYTER_CONFIG_PATH"] == "/etc/jupyter/instructor"
    assert teacher.notebook_dir == "/srv/clinician-course"
    assert teacher.user_groups["clinician-graders"] == ["teacher", "lms-1002"]  # the Unix group for the course folder
    assert "JUPYTER_CONFIG_PATH" not in learner.environment and learner.notebook_dir == ""
    assert learner.user_groups["clinician-graders"] == ["teacher"]


def test_z2jh_hook_treats_the_lti_graders_group_as_graders(values, monkeypatch):
    snippet = values["hub"]["extraConfig"]["clinician-course.py"]
    c = Config()
    exec(compile(snippet, "hub.extraConfig", "exec"),
         {"c": c, "get_config": lambda key, default=None: {"custom.graders": []}.get(key, default)})
    teacher, learner = GroupSpawner("lms-1002", ["clinician-graders"]), GroupSpawner("lms-1001", ["other"])
    c.KubeSpawner.pre_spawn_hook(teacher)
    c.KubeSpawner.pre_spawn_hook(learner)
    assert teacher.environment["JUPYTER_CONFIG_PATH"] == "/etc/jupyter/instructor"
    assert teacher.working_dir == "/srv/clinician-course"
    assert learner.environment == {"KEEP": "1"} and learner.working_dir == ""
