"""Run a job of the GitHub Pages workflow the way a hosted runner would, on this machine.

Each `run:` step runs verbatim in bash (`bash --noprofile --norc -eo pipefail`, GitHub's
default shell), with `${{ … }}` expressions evaluated, the step's `env:` applied and
`$GITHUB_ENV` carried from one step to the next. Each `uses:` step is played by a stand-in
that does what the action does to the job's folder: setup-python makes a fresh virtual
environment and puts it first on PATH, configure-pages supplies its `base_url` output, cache
restores and saves a folder in a store kept between runs, and the upload actions record the
folder they would upload (leaving dot-files out unless `include-hidden-files` is true, as
they do). An action, expression or context this runner does not know fails the test: a
workflow change must come with a runner that understands it, never be skipped.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import venv
from dataclasses import dataclass, field
from pathlib import Path

import yaml


def load_workflow(path: Path) -> dict:
    """Parse the workflow; PyYAML reads the key `on` as the boolean True (YAML 1.1)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True)
    return data


def clean_checkout(repo: Path, dest: Path) -> Path:
    """Copy what `actions/checkout` would check out: the files git tracks, plus the ones it
    would track (untracked, not ignored), as they stand in the working tree."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=repo, capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = repo / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    commit_all(dest, "checkout")
    return dest


def commit_all(checkout: Path, message: str) -> None:
    """Make `checkout` a git repository whose last commit holds its files, as `actions/checkout`
    leaves it (tests in it ask git which files are tracked or ignored)."""
    identity = ["-c", "user.name=Editor", "-c", "user.email=editor@example.org", "-c", "commit.gpgsign=false"]
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], [*identity, "commit", "-q", "--allow-empty", "-m", message]):
        subprocess.run(["git", *command], cwd=checkout, capture_output=True, check=True)


@dataclass
class Runner:
    """One machine that runs jobs: its caches outlive a run, like the Actions cache."""

    work: Path
    repository: str = "octo/explainer"
    pages_base_url: str = "https://octo.github.io/explainer"
    cache_store: dict[str, Path] = field(default_factory=dict)
    run_id: int = 0


@dataclass
class JobResult:
    uploaded: Path | None = None
    artifact: str | None = None
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    logs: list[str] = field(default_factory=list)
    cache_hit: str | None = None
    python: Path | None = None


class UnknownToRunner(AssertionError):
    """The workflow uses something this runner cannot play."""


def run_job(runner: Runner, workflow: dict, job_name: str, checkout: Path, *, event: str = "push",
            ref: str = "refs/heads/main") -> JobResult:
    """Run the steps of one job in `checkout`; raise AssertionError on the first failing step."""
    runner.run_id += 1
    job = workflow["jobs"][job_name]
    temp = runner.work / f"runner-temp-{runner.run_id}"
    temp.mkdir(parents=True)
    github_env = temp / "github_env"
    github_env.touch()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("GITHUB_", "VIRTUAL_ENV", "PYTHON"))}
    env.update({"CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_ENV": str(github_env),
                "GITHUB_REPOSITORY": runner.repository,
                "GITHUB_REPOSITORY_OWNER": runner.repository.split("/")[0],
                "GITHUB_EVENT_NAME": event, "GITHUB_REF": ref, "GITHUB_WORKSPACE": str(checkout),
                "RUNNER_TEMP": str(temp), "RUNNER_OS": "Linux"})
    result = JobResult()
    context = _Context(runner, event, ref, checkout, result.outputs)
    pending_saves: list[tuple[str, Path]] = []
    for number, step in enumerate(job["steps"], 1):
        label = step.get("name") or step.get("uses") or f"step {number}"
        if "if" in step and not context.evaluate(step["if"]):
            result.logs.append(f"skipped: {label}")
            continue
        inputs = {key: context.expand(_text(value)) for key, value in (step.get("with") or {}).items()}
        if "uses" in step:
            action = step["uses"].split("@", 1)[0]
            play = _ACTIONS.get(action)
            if play is None:
                raise UnknownToRunner(f"{label}: the test's runner does not know {action}")
            outputs = play(runner, checkout, env, inputs, result, pending_saves, temp)
            if step.get("id"):
                result.outputs[step["id"]] = outputs
            continue
        step_env = {**env, **_read_github_env(github_env),
                    **{key: context.expand(_text(value)) for key, value in (step.get("env") or {}).items()}}
        script = temp / f"step-{number}.sh"
        script.write_text(context.expand(step["run"]), encoding="utf-8")
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=checkout,
                              env=step_env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
        result.logs.append(f"$ {label}\n{done.stdout}{done.stderr}")
        if done.returncode != 0:
            raise AssertionError(f"step '{label}' failed with exit {done.returncode}:\n{done.stdout}\n{done.stderr}")
    for key, path in pending_saves:   # actions/cache saves in its post step, after the job's steps
        if key not in runner.cache_store and path.exists():
            stored = runner.work / f"cache-{len(runner.cache_store)}"
            shutil.copytree(path, stored, symlinks=True)
            runner.cache_store[key] = stored
    return result


def _read_github_env(path: Path) -> dict[str, str]:
    """Parse $GITHUB_ENV: NAME=value lines and NAME<<DELIMITER blocks."""
    values: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            block = []
            index += 1
            while lines[index] != delimiter:
                block.append(lines[index])
                index += 1
            values[name] = "\n".join(block)
        elif line:
            name, value = line.split("=", 1)
            values[name] = value
        index += 1
    return values


# ---- the actions, played --------------------------------------------------------------------

def _checkout(runner, checkout, env, inputs, result, saves, temp) -> dict:
    return {}   # the job's folder is already a clean checkout


def _setup_python(runner, checkout, env, inputs, result, saves, temp) -> dict:
    wanted = inputs.get("python-version", "")
    assert wanted and sys.version_info[:2] >= tuple(int(p) for p in wanted.split(".")[:2]), \
        f"setup-python asks for {wanted!r}; this machine runs {sys.version.split()[0]}"
    target = temp / "python"
    venv.EnvBuilder(with_pip=True, clear=True).create(target)
    env["PATH"] = f"{target / 'bin'}{os.pathsep}{env['PATH']}"
    env["pythonLocation"] = str(target)
    result.python = target / "bin" / "python"
    return {"python-version": ".".join(map(str, sys.version_info[:3]))}


def _configure_pages(runner, checkout, env, inputs, result, saves, temp) -> dict:
    base = runner.pages_base_url.rstrip("/")
    host = re.match(r"https?://([^/]+)", base).group(1)
    return {"base_url": base, "origin": f"https://{host}", "host": host,
            "base_path": base.split(host, 1)[1]}


def _cache(runner, checkout, env, inputs, result, saves, temp) -> dict:
    key, path = inputs["key"], checkout / inputs["path"]
    prefixes = [line.strip() for line in inputs.get("restore-keys", "").splitlines() if line.strip()]
    hit = key if key in runner.cache_store else next(
        (stored for prefix in prefixes for stored in reversed(list(runner.cache_store)) if stored.startswith(prefix)),
        None)
    if hit:
        shutil.rmtree(path, ignore_errors=True)
        shutil.copytree(runner.cache_store[hit], path, symlinks=True)
    result.cache_hit = hit
    saves.append((key, path))
    return {"cache-hit": str(hit == key).lower()}


def _upload(runner, checkout, env, inputs, result, saves, temp, name: str) -> dict:
    source = checkout / inputs["path"]
    assert source.is_dir(), f"nothing to upload at {inputs['path']}"
    uploaded = temp / "artifact"
    hidden = inputs.get("include-hidden-files", "false") == "true"
    shutil.copytree(source, uploaded, ignore=None if hidden else shutil.ignore_patterns(".*"))
    result.uploaded, result.artifact = uploaded, inputs.get("name", name)
    return {"artifact_id": "1"}


_ACTIONS = {
    "actions/checkout": _checkout,
    "actions/setup-python": _setup_python,
    "actions/configure-pages": _configure_pages,
    "actions/cache": _cache,
    "actions/upload-pages-artifact": lambda *a: _upload(*a, name="github-pages"),
    "actions/upload-artifact": lambda *a: _upload(*a, name="artifact"),
}


# ---- expressions ----------------------------------------------------------------------------

_TOKEN = re.compile(r"\s*(?:('(?:[^']|'')*')|(==|!=|&&|\|\||!|\(|\)|,)|([A-Za-z_][\w.-]*)|(\d+))")


class _Context:
    """Evaluate the `${{ … }}` expressions this workflow uses; refuse anything else."""

    def __init__(self, runner: Runner, event: str, ref: str, checkout: Path, outputs: dict) -> None:
        self.values = {"github.event_name": event, "github.ref": ref, "github.run_id": str(runner.run_id),
                       "github.repository": runner.repository, "runner.os": "Linux"}
        self.checkout, self.outputs = checkout, outputs

    def expand(self, text: str) -> str:
        return re.sub(r"\$\{\{(.*?)\}\}", lambda m: _text(self.evaluate(m.group(1))), text, flags=re.S)

    def evaluate(self, expression: str):
        expression = expression.strip()
        if expression.startswith("${{") and expression.endswith("}}"):
            expression = expression[3:-2]
        python = []
        position = 0
        while position < len(expression.rstrip()):
            match = _TOKEN.match(expression, position)
            if not match:
                raise UnknownToRunner(f"cannot read expression {expression!r}")
            string, operator, name, number = match.groups()
            if string is not None:
                python.append(repr(string[1:-1].replace("''", "'")))
            elif operator:
                python.append({"&&": " and ", "||": " or ", "!": " not "}.get(operator, operator))
            elif number:
                python.append(number)
            elif name in ("hashFiles", "format", "true", "false"):
                python.append({"true": "True", "false": "False"}.get(name, name))
            else:
                python.append(f"lookup({name!r})")
            position = match.end()
        namespace = {"lookup": self.lookup, "hashFiles": self.hash_files,
                     "format": lambda text, *args: text.format(*args), "__builtins__": {}}
        return eval("".join(python), namespace)  # noqa: S307 (tokens checked above)

    def lookup(self, name: str):
        if name.startswith("steps."):
            _, step_id, kind, output = name.split(".", 3)
            assert kind == "outputs", name
            return self.outputs.get(step_id, {}).get(output, "")
        if name not in self.values:
            raise UnknownToRunner(f"the test's runner does not know the context {name!r}")
        return self.values[name]

    def hash_files(self, *patterns: str) -> str:
        digest = hashlib.sha256()
        for pattern in patterns:
            for path in sorted(self.checkout.glob(pattern.replace("/**", "/**/*"))):
                if path.is_file():
                    digest.update(path.read_bytes())
        return digest.hexdigest()


def _text(value) -> str:
    return {True: "true", False: "false"}.get(value, value) if isinstance(value, bool) else str(value)
