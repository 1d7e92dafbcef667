#!/usr/bin/env python3
"""Build the Lambda deployment package for Hip Coach, without docker.

    python scripts/build_lambda.py                      # arm64, python3.12 (template.yaml)
    python scripts/build_lambda.py --platform manylinux2014_x86_64 --python-version 3.11

Steps: pip installs the runtime dependencies ([project].dependencies of pyproject.toml,
the one list) as prebuilt wheels for the Lambda platform into the build folder; removes
what the Lambda runtime already provides (boto3 and its own dependencies); copies the
``skill`` package; strips bytecode caches, ``tests`` folders and console scripts; checks
that no local or dev tool (flask, click, pydub, pytest...) slipped in; and zips the folder
deterministically (sorted entries, fixed timestamps and permissions), so the same inputs
give the same bytes. It prints the artifact, its file count and its size zipped and
unzipped.

``sam build`` runs this script too (template.yaml, BuildMethod makefile, scripts/sam/),
with ``--build-dir $ARTIFACTS_DIR --no-zip``.

Needs only the standard library (Python 3.11+ for tomllib) and pip; the host Python need
not match the target version, as every dependency comes as a wheel.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import shutil
import stat
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
"""The repository root (this file is scripts/build_lambda.py)."""

PACKAGE = "skill"
"""The one first-party package the function imports (Handler skill.lambda_function.handler)."""

DEFAULT_BUILD_DIR = ROOT / "build" / "lambda"
DEFAULT_OUT = ROOT / "build" / "hip-coach-lambda.zip"
DEFAULT_PYTHON_VERSION = "3.12"
"""template.yaml Runtime python3.12."""
DEFAULT_PLATFORM = "manylinux2014_aarch64"
"""template.yaml Architectures [arm64]. Repeat --platform to also accept, for example,
manylinux_2_28_aarch64 wheels (the python3.12 runtime runs on Amazon Linux 2023)."""

RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath")
"""Distributions the Lambda Python runtime already has. ask-sdk-dynamodb-persistence-adapter
pulls in boto3 (and boto3 these); botocore alone is tens of MB unzipped. urllib3 and
python-dateutil stay: ask-sdk-core's requests and the SDK itself need them too."""

FORBIDDEN = (
    "flask", "werkzeug", "waitress", "click", "pydub",
    "pytest", "hypothesis", "moto", "mypy", "ruff", "cfn-lint",
)
"""Local and dev tools (the `local` and `dev` extras) that must never be in the package."""

EXCLUDED_DIR_NAMES = frozenset({"__pycache__", "tests"})
"""Folders left out of the package wherever they occur."""

EXCLUDED_SUFFIXES = (".pyc", ".pyo")
"""Bytecode is stripped: pip would compile it for the host Python, not the runtime's."""

ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)
"""Every zip entry gets this timestamp (the earliest a zip can hold)."""

LAMBDA_MAX_UNZIPPED = 250 * 1024 * 1024
"""Lambda's limit on a function's unzipped code and layers."""

LAMBDA_MAX_DIRECT_UPLOAD = 50 * 1024 * 1024
"""Largest zip `aws lambda update-function-code --zip-file` accepts; larger goes via S3."""

MB = 1024 * 1024


class BuildError(RuntimeError):
    """The package cannot be built as asked; the message says why."""


@dataclass(frozen=True)
class BuildResult:
    """What a build produced."""

    build_dir: Path
    """The unzipped package folder."""
    artifact: Path | None
    """The zip, or None with --no-zip."""
    file_count: int
    """Files in the package."""
    unzipped_bytes: int
    """Total size of those files."""
    zipped_bytes: int | None
    """Size of the zip, or None with --no-zip."""


Installer = Callable[[Sequence[str]], None]
"""Runs a pip command line; tests pass a fake that writes files instead of downloading."""


def canonical_name(name: str) -> str:
    """A distribution name in PEP 503 normal form ("PyYAML" -> "pyyaml", "a_b.c" -> "a-b-c")."""
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_dependencies(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """The requirement strings of ``[project].dependencies``: what the Lambda carries."""
    with pyproject.open("rb") as handle:
        data = tomllib.load(handle)
    dependencies = data.get("project", {}).get("dependencies")
    if not isinstance(dependencies, list) or not all(isinstance(d, str) for d in dependencies):
        raise BuildError(f"{pyproject}: [project].dependencies is not a list of strings")
    return list(dependencies)


def pip_install_command(
    dependencies: Sequence[str],
    target: Path,
    python_version: str = DEFAULT_PYTHON_VERSION,
    platforms: Sequence[str] = (DEFAULT_PLATFORM,),
    python: str = sys.executable,
) -> list[str]:
    """The pip command that installs ``dependencies`` as wheels for the Lambda platform."""
    if not platforms:
        raise BuildError("at least one --platform is needed")
    command = [
        python, "-m", "pip", "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-input",
        "--no-compile",
        "--target", str(target),
        "--implementation", "cp",
        "--python-version", python_version,
        "--only-binary=:all:",
    ]
    for platform in platforms:
        command += ["--platform", platform]
    return [*command, *dependencies]


def run_command(command: Sequence[str]) -> None:
    """The default installer: run the command, fail the build if it fails."""
    completed = subprocess.run(list(command), check=False)
    if completed.returncode != 0:
        raise BuildError(f"pip failed with exit code {completed.returncode}")


def is_excluded(relative: PurePosixPath) -> bool:
    """Whether a path (relative to the package root) stays out of the package."""
    if any(part in EXCLUDED_DIR_NAMES for part in relative.parts):
        return True
    return relative.name.endswith(EXCLUDED_SUFFIXES)


def copy_package(source: Path, destination: Path) -> int:
    """Copy the files of ``source`` that are not excluded into ``destination``; count them."""
    if not (source / "__init__.py").is_file():
        raise BuildError(f"{source} is not a Python package")
    copied = 0
    for path in sorted(source.rglob("*")):
        relative = PurePosixPath(path.relative_to(source).as_posix())
        if not path.is_file() or is_excluded(relative):
            continue
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        copied += 1
    return copied


def _dist_info_dirs(target: Path) -> Iterator[tuple[str, Path]]:
    """(canonical name, folder) of every installed distribution in ``target``."""
    for info in sorted(target.glob("*.dist-info")):
        yield canonical_name(info.name[: -len(".dist-info")].split("-", 1)[0]), info


def installed_distributions(target: Path) -> list[str]:
    """Canonical names of the distributions installed in ``target``."""
    return [name for name, _ in _dist_info_dirs(target)]


def remove_distribution(target: Path, name: str) -> bool:
    """Remove an installed distribution from ``target`` by its RECORD; False if absent.

    Only files inside ``target`` are removed, and then the folders that this left empty.
    """
    wanted = canonical_name(name)
    root = target.resolve()
    for found, info in _dist_info_dirs(target):
        if found != wanted:
            continue
        record = info / "RECORD"
        if not record.is_file():
            raise BuildError(f"{info} has no RECORD: cannot tell which files are {name}'s")
        parents: set[Path] = set()
        with record.open(newline="", encoding="utf-8") as handle:
            for row in csv.reader(handle):
                if not row:
                    continue
                path = (target / row[0]).resolve()
                if path.is_relative_to(root) and path != root and path.is_file():
                    path.unlink()
                    parents.add(path.parent)
        shutil.rmtree(info, ignore_errors=True)
        for parent in sorted(parents, key=lambda p: len(p.parts), reverse=True):
            while parent != root and parent.is_relative_to(root) and parent.is_dir():
                if any(parent.iterdir()):
                    break
                parent.rmdir()
                parent = parent.parent
        return True
    return False


def strip_tree(root: Path) -> None:
    """Remove bytecode caches, ``tests`` folders, bytecode files and pip's ``bin/`` scripts."""
    shutil.rmtree(root / "bin", ignore_errors=True)
    for path in sorted(root.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        relative = PurePosixPath(path.relative_to(root).as_posix())
        if path.is_dir() and not path.is_symlink() and path.name in EXCLUDED_DIR_NAMES:
            shutil.rmtree(path)
        elif (path.is_file() or path.is_symlink()) and is_excluded(relative):
            path.unlink()


def runtime_python(python_version: str) -> str | None:
    """A working `python3.X` of exactly that version (pyenv shims may exist but fail)."""
    interpreter = shutil.which(f"python{python_version}")
    if interpreter is None:
        return None
    probe = subprocess.run([interpreter, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                           capture_output=True, text=True, check=False)
    return interpreter if probe.returncode == 0 and probe.stdout.strip() == python_version else None


def compile_bytecode(root: Path, python_version: str) -> bool:
    """Precompile with the runtime's own Python when this machine has it.

    Lambda's code folder is read-only, so without .pyc files every cold start compiles
    every module again (BENCHMARKS.md: about 0.4 s). `unchecked-hash` because the zip's
    fixed 1980 timestamps would invalidate timestamp-based .pyc files. Bytecode is
    version-specific: with no `python3.12` here the package ships without it.
    """
    interpreter = runtime_python(python_version)
    if interpreter is None:
        print(f"note: no python{python_version} here; the package has no precompiled "
              "bytecode (cold starts compile it)", file=sys.stderr)
        return False
    run_command([interpreter, "-m", "compileall", "-q", "-j", "0",
                 "--invalidation-mode", "unchecked-hash", str(root)])
    return True


def check_contents(target: Path) -> None:
    """Fail if a local/dev tool or a runtime-provided distribution is in the package."""
    installed = set(installed_distributions(target))
    unwanted = sorted(installed & {canonical_name(n) for n in (*FORBIDDEN, *RUNTIME_PROVIDED)})
    if unwanted:
        raise BuildError(
            "not runtime dependencies, yet in the package: " + ", ".join(unwanted)
            + " (check [project].dependencies in pyproject.toml)"
        )
    if not (target / PACKAGE / "__init__.py").is_file():
        raise BuildError(f"{PACKAGE}/ is missing from {target}")


def package_files(root: Path) -> list[tuple[str, Path]]:
    """(archive name, path) of every file under ``root``, sorted by archive name."""
    files = [
        (path.relative_to(root).as_posix(), path)
        for path in root.rglob("*")
        if path.is_file()
    ]
    return sorted(files)


def write_zip(root: Path, out: Path) -> tuple[int, int]:
    """Zip the files under ``root`` into ``out`` deterministically; (file count, bytes in).

    Entries are sorted, carry a fixed timestamp and 0644 permissions (0755 where the owner
    could execute), no folder entries and no extra fields: the same files give the same
    zip. Written to a temporary name and renamed, so a failed build leaves no half zip.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    count = total = 0
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, path in package_files(root):
            data = path.read_bytes()
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            info.create_system = 3  # Unix, so the permissions below are honoured
            executable = path.stat().st_mode & stat.S_IXUSR
            info.external_attr = (stat.S_IFREG | (0o755 if executable else 0o644)) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data, compresslevel=9)
            count += 1
            total += len(data)
    os.replace(partial, out)
    return count, total


def prepare_build_dir(build_dir: Path) -> None:
    """Create ``build_dir`` empty, refusing folders that hold anything but a build."""
    resolved = build_dir.resolve()
    repo = ROOT.resolve()
    if resolved == Path(resolved.anchor) or resolved == Path.home().resolve():
        raise BuildError(f"refusing to empty {resolved}")
    if repo.is_relative_to(resolved):
        raise BuildError(f"refusing to empty {resolved}: it holds the repository")
    if resolved.exists():
        if not resolved.is_dir():
            raise BuildError(f"{resolved} is not a folder")
        for marker in ("pyproject.toml", ".git", "setup.py"):
            if (resolved / marker).exists():
                raise BuildError(f"refusing to empty {resolved}: it holds {marker}")
        for child in resolved.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    resolved.mkdir(parents=True, exist_ok=True)


def folder_stats(root: Path) -> tuple[int, int]:
    """(file count, total bytes) of the files under ``root``."""
    files = package_files(root)
    return len(files), sum(path.stat().st_size for _, path in files)


def build(
    build_dir: Path = DEFAULT_BUILD_DIR,
    out: Path | None = DEFAULT_OUT,
    python_version: str = DEFAULT_PYTHON_VERSION,
    platforms: Sequence[str] = (DEFAULT_PLATFORM,),
    *,
    pyproject: Path = ROOT / "pyproject.toml",
    package_source: Path = ROOT / PACKAGE,
    install: Installer = run_command,
    precompile: bool = True,
) -> BuildResult:
    """Build the package folder, and the zip unless ``out`` is None."""
    dependencies = runtime_dependencies(pyproject)
    if out is not None and out.resolve().is_relative_to(build_dir.resolve()):
        raise BuildError(f"the zip {out} must not be inside the build folder {build_dir}")
    prepare_build_dir(build_dir)
    install(pip_install_command(dependencies, build_dir, python_version, platforms))
    for name in RUNTIME_PROVIDED:
        remove_distribution(build_dir, name)
    if (build_dir / PACKAGE).exists():
        raise BuildError(f"a dependency installed a top-level {PACKAGE!r} package")
    copy_package(package_source, build_dir / PACKAGE)
    strip_tree(build_dir)
    check_contents(build_dir)
    if precompile:
        compile_bytecode(build_dir, python_version)
    count, unzipped = folder_stats(build_dir)
    if unzipped > LAMBDA_MAX_UNZIPPED:
        raise BuildError(
            f"{unzipped / MB:.1f} MB unzipped is over Lambda's {LAMBDA_MAX_UNZIPPED // MB} MB"
        )
    if out is None:
        return BuildResult(build_dir, None, count, unzipped, None)
    write_zip(build_dir, out)
    return BuildResult(build_dir, out, count, unzipped, out.stat().st_size)


def describe(result: BuildResult) -> str:
    """The lines printed after a build."""
    lines = [
        f"artifact: {result.artifact if result.artifact else result.build_dir}",
        f"files: {result.file_count}",
        f"unzipped: {result.unzipped_bytes / MB:.2f} MB "
        f"(Lambda limit {LAMBDA_MAX_UNZIPPED // MB} MB)",
    ]
    if result.zipped_bytes is not None:
        note = (
            "fits a direct upload"
            if result.zipped_bytes <= LAMBDA_MAX_DIRECT_UPLOAD
            else "over 50 MB: upload through S3"
        )
        lines.append(f"zipped: {result.zipped_bytes / MB:.2f} MB ({note})")
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Build the Hip Coach Lambda package (no docker).",
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT,
        help="the zip to write (default: build/hip-coach-lambda.zip)",
    )
    parser.add_argument(
        "--build-dir", type=Path, default=DEFAULT_BUILD_DIR,
        help="the unzipped package folder, emptied first (default: build/lambda)",
    )
    parser.add_argument(
        "--no-zip", action="store_true",
        help="stop after the folder (sam build zips it itself)",
    )
    parser.add_argument(
        "--python-version", default=DEFAULT_PYTHON_VERSION,
        help=f"the Lambda runtime's Python (default: {DEFAULT_PYTHON_VERSION})",
    )
    parser.add_argument(
        "--platform", action="append", dest="platforms", metavar="PLATFORM",
        help=f"a wheel platform tag, repeatable (default: {DEFAULT_PLATFORM}; "
        "manylinux2014_x86_64 for an x86_64 function)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Build as the command line asks; print the result or the reason it failed."""
    args = parse_args(argv)
    try:
        result = build(
            build_dir=args.build_dir,
            out=None if args.no_zip else args.out,
            python_version=args.python_version,
            platforms=args.platforms or [DEFAULT_PLATFORM],
        )
    except BuildError as exc:
        print(f"build_lambda: {exc}", file=sys.stderr)
        return 1
    print(describe(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
