"""The GitHub workflows: valid against GitHub's schema, no finding from zizmor, and rehearsed.

A rehearsal runs a job's `run:` steps AS WRITTEN (the script text read from the YAML, run by
bash with the options GitHub uses) in a clean virtual environment that holds exactly what the
job installs, in a copy of the repository, with GitHub's variables pointing to temporary
files. The `uses:` steps that come before are replaced by what they leave behind (a checkout,
a Python, downloaded artifacts). Every `run:` step of every workflow is either rehearsed here
(REHEARSED) or listed with the reason why it cannot run offline (NOT_REHEARSED).
"""

from __future__ import annotations

import copy
import fnmatch
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path, PurePosixPath

import pytest
import yaml

from tp_cnn.course.config import site_config
from tp_cnn.paths import ROOT
from tp_cnn.reading.navigation import nav_files

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent

# (workflow, job, step): the run: steps rehearsed here, and the test that rehearses each.
REHEARSED = {
    ("figures.yml", "pages", "Lister les pages du cours"): (
        "test_the_list_step_outputs_the_course_pages"
    ),
    ("figures.yml", "propose", "Rassembler les figures des pages"): (
        "test_the_merge_step_merges_the_artifacts_of_the_pages"
    ),
}
# (workflow, job, step): the run: steps that cannot run offline, and why.
NOT_REHEARSED = {
    ("ci.yml", "test", "make test"): "the command that runs these very tests",
    ("deploy.yml", "build", "mkdocs build --strict"): (
        "`make build` installs requirements.txt from PyPI (TensorFlow included: minutes); "
        "the build itself is the `site` fixture of tests/conftest.py"
    ),
    ("figures.yml", "figures", "Vérifier Python 3.11 et le pilote NVIDIA du runner"): (
        "nvidia-smi: needs the GPU runner"
    ),
    ("figures.yml", "figures", "Installer l'environnement et TensorFlow pour CUDA"): (
        "`make install-gpu` downloads about 3.4 GB; its resolution is checked by "
        "test_make_install_gpu_resolves"
    ),
    ("figures.yml", "figures", "Vérifier que TensorFlow voit le GPU"): "needs the GPU runner",
    ("figures.yml", "figures", "Exécuter la page et dessiner ses figures"): (
        "full mode on the GPU, hours; the figure script runs in fast mode in tests/test_figures.py"
    ),
    ("figures.yml", "propose", "Ouvrir la pull request"): (
        "git push and gh pr create: GitHub and the workflow's token"
    ),
    ("deploy.yml", "notebooks", "Publier les notebooks du site sur la branche colab"): (
        "git push with the workflow's token; the notebooks it publishes are the built site's, "
        "checked under each policy by tests/test_solutions.py"
    ),
}
MANIFEST_SECTIONS = ("pages", "figures", "runs")


# --- Reading the workflows ------------------------------------------------------------------


def load_workflow(name: str) -> dict:
    return yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))


def step_name(step: dict) -> str:
    return step.get("name") or step["run"].strip().splitlines()[0]


def run_steps() -> set[tuple[str, str, str]]:
    """(workflow, job, step) of every run: step of every workflow."""
    return {
        (path.name, job_id, step_name(step))
        for path in WORKFLOWS
        for job_id, job in load_workflow(path.name)["jobs"].items()
        for step in job.get("steps", [])
        if "run" in step
    }


def action_inputs(workflow: str, job_id: str, action: str) -> dict:
    """The `with:` of the job's step that uses `action` (owner/name)."""
    (step,) = [
        step
        for step in load_workflow(workflow)["jobs"][job_id]["steps"]
        if step.get("uses", "").split("@")[0] == action
    ]
    return step.get("with", {})


def shell_command(workflow: dict, job: dict, step: dict, script: Path) -> list[str]:
    """The command GitHub runs for a run: step on Linux (its `shell`, else the defaults)."""
    shell = (
        step.get("shell")
        or job.get("defaults", {}).get("run", {}).get("shell")
        or workflow.get("defaults", {}).get("run", {}).get("shell")
    )
    if shell is None:
        return ["bash", "-e", str(script)]
    assert shell == "bash", f"shell « {shell} » : not rehearsed"
    return ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)]


def with_matrix(text: str, page: str) -> str:
    text = re.sub(r"\$\{\{\s*matrix\.page\s*\}\}", page, text)
    assert "${{" not in text, text
    return text


# --- Stand-ins for what the uses: steps leave behind -----------------------------------------


def copy_of_the_repository(destination: Path) -> Path:
    """What actions/checkout leaves: the tree that the steps use (never the original docs/)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", ".*.tmp")
    for tree in ("src", "scripts", "docs"):
        shutil.copytree(ROOT / tree, destination / tree, ignore=ignore)
    for name in ("pyproject.toml", "mkdocs.yml"):
        shutil.copy2(ROOT / name, destination / name)
    return destination


def clean_python(version: str) -> Path:
    """What actions/setup-python leaves: a Python with nothing installed (a new venv).

    Without pip, which the rehearsed steps never call (they install nothing): a venv with
    pip costs 4 to 12 s on 2 cores. A step that calls pip fails here, and says so.
    """
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    if here != str(version):
        pytest.skip(f"le job utilise Python {version}, ces tests tournent sous Python {here}")
    destination = Path(tempfile.mkdtemp(prefix="tp-cnn-setup-python-")) / "python"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", destination], check=True)
    return destination


def uploaded_files(workspace: Path, paths: list[str]) -> dict[str, bytes]:
    """The files of an artifact as actions/upload-artifact (v4) stores them.

    Several paths are stored relative to their least common ancestor (a single directory:
    relative to itself); hidden files are left out (include-hidden-files: false).
    """
    searched = [workspace / path.rstrip("/") for path in paths]
    if len(searched) == 1:
        root = searched[0] if searched[0].is_dir() else searched[0].parent
    else:
        root = Path(os.path.commonpath(searched))
    files = [
        file
        for path in searched
        for file in ([path] if path.is_file() else sorted(path.rglob("*")))
        if file.is_file() and not any(part.startswith(".") for part in file.relative_to(root).parts)
    ]
    return {file.relative_to(root).as_posix(): file.read_bytes() for file in files}


def download_artifacts(inputs: dict, workspace: Path, artifacts: dict[str, dict]) -> None:
    """What actions/download-artifact (v4) leaves: with `pattern` and no merge-multiple,
    each artifact in its own folder `<path>/<artifact name>/`."""
    destination = workspace / inputs.get("path", ".")
    for name, files in artifacts.items():
        if not fnmatch.fnmatchcase(name, inputs.get("pattern", "*")):
            continue
        folder = destination if inputs.get("merge-multiple") else destination / name
        for relative, data in files.items():
            (folder / relative).parent.mkdir(parents=True, exist_ok=True)
            (folder / relative).write_bytes(data)


# --- Running the steps -----------------------------------------------------------------------


def github_outputs(path: Path) -> dict[str, str]:
    """Parse $GITHUB_OUTPUT: `name=value` lines and `name<<DELIMITER` blocks."""
    outputs, lines = {}, iter(path.read_text(encoding="utf-8").splitlines())
    for line in lines:
        name, equals, value = line.partition("=")
        if "<<" in name:
            name, delimiter = line.split("<<", 1)
            outputs[name] = "\n".join(iter(lines.__next__, delimiter))
        elif equals:
            outputs[name] = value
    return outputs


def run_step(workflow: dict, job: dict, step: dict, workspace: Path, venv: Path) -> dict:
    """Run one run: step as GitHub would, with its Python first on PATH; return its outputs."""
    script, env = step["run"], {**job.get("env", {}), **step.get("env", {})}
    assert "${{" not in script + json.dumps(env), "an expression: not rehearsed as written"
    if re.search(r"\bjq\b", script) and not shutil.which("jq"):
        pytest.skip("jq absent : installez le paquet Debian jq (make install-test le fait en root)")
    runner = workspace.parent / "runner"
    for folder in ("temp", "home"):
        (runner / folder).mkdir(parents=True, exist_ok=True)
    files = {name: runner / name.lower() for name in ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH")}
    for file in files.values():
        file.touch()
    (runner / "temp" / "step.sh").write_text(script, encoding="utf-8")
    jq = [str(Path(shutil.which("jq")).parent)] if shutil.which("jq") else []
    env = {
        "PATH": os.pathsep.join([str(venv / "bin"), *jq, "/usr/local/bin", "/usr/bin", "/bin"]),
        "HOME": str(runner / "home"),
        "LANG": "C.UTF-8",
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(workspace),
        "RUNNER_TEMP": str(runner / "temp"),
        **{name: str(file) for name, file in files.items()},
        **{name: str(value) for name, value in env.items()},
    }
    command = shell_command(workflow, job, step, runner / "temp" / "step.sh")
    done = subprocess.run(command, cwd=workspace, env=env, capture_output=True, text=True)
    assert done.returncode == 0, (
        f"step « {step_name(step)} » failed ({done.returncode}):\n{done.stdout}{done.stderr}"
    )
    return github_outputs(files["GITHUB_OUTPUT"])


def rehearse(
    workflow_name: str, job_id: str, until: str, workspace: Path, artifacts: dict | None = None
) -> dict[str, str]:
    """Run the job's steps in order, up to the step named `until`; return that step's outputs."""
    workflow = load_workflow(workflow_name)
    job, venv = workflow["jobs"][job_id], None
    for step in job["steps"]:
        action = step.get("uses", "").split("@")[0]
        if action == "actions/checkout":
            assert (workspace / "src").is_dir()
        elif action == "actions/setup-python":
            venv = clean_python(step["with"]["python-version"])
        elif action == "actions/download-artifact":
            download_artifacts(step["with"], workspace, artifacts or {})
        elif action:
            pytest.fail(f"no stand-in for {action} in tests/test_workflows.py")
        else:
            assert (workflow_name, job_id, step_name(step)) in REHEARSED, step_name(step)
            assert venv, f"{job_id}: a run: step before any Python"
            outputs = run_step(workflow, job, step, workspace, venv)
            if step_name(step) == until:
                return outputs
    pytest.fail(f"no step « {until} » in {workflow_name}, job {job_id}")


# --- The course pages and their figures ------------------------------------------------------


def listed_pages() -> list[str]:
    """What `python scripts/generate_figures.py --list` prints, run with everything installed."""
    done = subprocess.run(
        [sys.executable, "scripts/generate_figures.py", "--list"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


class _MkDocsLoader(yaml.SafeLoader):
    """mkdocs.yml as YAML: its `!ENV` tags (MkDocs' own) read as their default."""


_MkDocsLoader.add_constructor("!ENV", lambda loader, node: loader.construct_sequence(node)[-1])


def nav_pages() -> list[str]:
    """The Markdown pages of the site's menu, as MkDocs' own loader reads mkdocs.yml (the
    workflow lists them with the standard library only)."""
    nav = nav_files(site_config()["nav"])
    return [PurePosixPath(file).stem for file in nav if file.endswith(".md")]


def owner(section: str, key: str, entry: dict) -> str:
    """The page that a manifest entry belongs to."""
    return key if section == "pages" else entry["page"]


def run_on_the_gpu(page: str, runner: Path) -> None:
    """A stand-in for the figure step on the runner: new figures and manifest entries."""
    figures = shutil.copytree(ROOT / "docs" / "figures", runner / "docs" / "figures")
    manifest = json.loads((figures / "manifest.json").read_text(encoding="utf-8"))
    for section in MANIFEST_SECTIONS:
        for key, entry in manifest[section].items():
            if owner(section, key, entry) == page:
                # A value each record may hold, different from the committed one.
                field = {"pages": "device", "figures": "code_sha256", "runs": "train_seconds"}
                entry[field[section]] = f"GPU {page}" if section != "runs" else 1234.5
    for path in manifest["figures"]:
        if manifest["figures"][path]["page"] == page:
            figure = runner / "docs" / path
            figure.write_bytes(figure.read_bytes() + f"\n<!-- {page} -->\n".encode())
    (figures / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2))


def artifact_of(page: str, runner: Path) -> tuple[str, dict[str, bytes]]:
    """The name and files of the artifact that the figures job of `page` uploads."""
    run_on_the_gpu(page, runner)
    upload = action_inputs("figures.yml", "figures", "actions/upload-artifact")
    paths = [with_matrix(path.strip(), page) for path in upload["path"].splitlines() if path]
    return with_matrix(upload["name"], page), uploaded_files(runner, paths)


def merged(original: dict, theirs: dict[str, dict]) -> dict:
    """The manifest expected after the merge: each page's entries from its own artifact."""
    expected = copy.deepcopy(original)
    for page, manifest in theirs.items():
        for section in MANIFEST_SECTIONS:
            expected[section] = {
                key: entry
                for entries, mine in ((expected[section], False), (manifest[section], True))
                for key, entry in entries.items()
                if (owner(section, key, entry) == page) == mine
            }
    return expected


# --- The tests -------------------------------------------------------------------------------


def test_the_workflows_are_there():
    assert {path.name for path in WORKFLOWS} >= {"ci.yml", "deploy.yml", "figures.yml"}


def test_the_workflows_follow_githubs_schema():
    check = subprocess.run(
        [BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows", *WORKFLOWS],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_zizmor_finds_nothing_in_the_workflows():
    audit = subprocess.run(
        [BIN / "zizmor", "--offline", "--no-progress", *WORKFLOWS], capture_output=True, text=True
    )
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert "No findings to report" in audit.stdout + audit.stderr


def test_every_run_step_is_rehearsed_or_says_why_not():
    steps = run_steps()
    assert not REHEARSED.keys() & NOT_REHEARSED.keys()
    new = steps - REHEARSED.keys() - NOT_REHEARSED.keys()
    assert not new, f"rehearse these steps here, or add them to NOT_REHEARSED with why: {new}"
    gone = (REHEARSED.keys() | NOT_REHEARSED.keys()) - steps
    assert not gone, f"steps that are no longer in the workflows: {gone}"
    assert all(name in globals() for name in REHEARSED.values())


ONE_SOURCE = re.compile(r"-r requirements\.txt|--no-deps\s+(-e\s+)?\.\s*$")


def test_no_job_installs_a_hand_picked_list_of_packages():
    """What a job installs has one source: requirements.txt (make), or the package alone."""
    for path in WORKFLOWS:
        for job_id, job in load_workflow(path.name)["jobs"].items():
            for step in job.get("steps", []):
                for line in step.get("run", "").splitlines():
                    if re.search(r"\bpip3?\s+install\b", line):
                        assert ONE_SOURCE.search(line), f"{path.name}, {job_id}: {line.strip()}"


def test_the_list_step_outputs_the_course_pages(tmp_path):
    workspace = copy_of_the_repository(tmp_path / "workspace")
    outputs = rehearse("figures.yml", "pages", "Lister les pages du cours", workspace)
    pages = json.loads(outputs["pages"])
    assert pages, "no course page: the matrix of the figures job would be empty"
    assert pages == listed_pages()
    nav = nav_pages()
    assert set(pages) <= set(nav), f"pages not in the menu of mkdocs.yml: {set(pages) - set(nav)}"
    assert pages == sorted(pages, key=nav.index), "not in the order of the menu (mkdocs.yml)"


def test_the_merge_step_merges_the_artifacts_of_the_pages(tmp_path):
    original = json.loads((ROOT / "docs/figures/manifest.json").read_text(encoding="utf-8"))
    pages = [page for page in sorted(original["pages"]) if (ROOT / "docs/figures" / page).is_dir()]
    pages = pages[:2]
    assert len(pages) == 2, "two pages with figures are needed"
    artifacts = dict(artifact_of(page, tmp_path / f"runner-{page}") for page in pages)
    for page in pages:  # docs/figures/manifest.json and docs/figures/<page>/, from docs/figures/
        files = artifacts[f"figures-{page}"]
        assert "manifest.json" in files, sorted(files)
        assert {PurePosixPath(name).parts[0] for name in files} == {"manifest.json", page}

    workspace = copy_of_the_repository(tmp_path / "workspace")
    rehearse("figures.yml", "propose", "Rassembler les figures des pages", workspace, artifacts)

    for page in pages:
        assert (workspace / "artifacts" / f"figures-{page}" / "manifest.json").is_file()
    docs = workspace / "docs"
    theirs = {page: json.loads(artifacts[f"figures-{page}"]["manifest.json"]) for page in pages}
    manifest = json.loads((docs / "figures/manifest.json").read_text(encoding="utf-8"))
    assert manifest == merged(original, theirs)
    for files in artifacts.values():
        for name, data in files.items():
            if name != "manifest.json":
                assert (docs / "figures" / name).read_bytes() == data, name
    for page in set(original["pages"]) - set(pages):  # the other pages are left as they were
        for figure in (ROOT / "docs/figures" / page).glob("*"):
            assert (docs / "figures" / page / figure.name).read_bytes() == figure.read_bytes()


NETWORK_ERRORS = re.compile(
    r"NewConnectionError|Max retries exceeded|name resolution|Network is unreachable"
    r"|ConnectTimeout|ProxyError|Could not fetch URL|No route to host|Connection refused"
)


def gpu_requirement() -> str:
    """The requirement that `make install-gpu` installs, read from what make would run."""
    dry = subprocess.run(
        ["make", "--no-print-directory", "-n", "-o", "install", "install-gpu"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    (install,) = [shlex.split(line) for line in dry.stdout.splitlines() if "pip install" in line]
    return install[-1]


def test_make_install_gpu_resolves():
    """`make install-gpu` can be installed on a clean Linux machine: pip resolves it on
    PyPI (needs PyPI, ~6 s). Without this machine's pip configuration (`--isolated`), and
    reading each wheel's metadata only (`fast-deps`: not the 570 MB of TensorFlow)."""
    if sys.platform != "linux" or platform.machine() != "x86_64":
        pytest.skip("la résolution vaut pour Linux x86_64, la plateforme du runner GPU")
    requirement = gpu_requirement()
    version = requirement.split("==")[1]
    cpu = re.search(r"^tensorflow-cpu==(\S+);", (ROOT / "requirements.txt").read_text(), re.M)
    assert version == cpu[1], "make install-gpu and requirements.txt: two TensorFlow versions"
    command = [sys.executable, "-m", "pip", "--isolated", "install", "--dry-run"]
    command += ["--ignore-installed", "--use-feature=fast-deps", "--quiet", "--retries", "0"]
    command += ["--timeout", "15", "--report", "-", requirement]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        done = subprocess.CompletedProcess(command, 1, "", "ConnectTimeout (120 s)")
    if done.returncode and NETWORK_ERRORS.search(done.stderr):
        pytest.skip(f"PyPI injoignable : la résolution de {requirement} n'est pas vérifiée")
    assert done.returncode == 0, done.stderr
    report = {item["metadata"]["name"].lower(): item for item in json.loads(done.stdout)["install"]}
    assert report["tensorflow"]["metadata"]["version"] == version
    cuda = [name for name in report if name.startswith(("nvidia-cudnn", "nvidia-cuda-runtime"))]
    assert len(cuda) == 2, f"the [and-cuda] extra brings no CUDA: {sorted(report)}"
