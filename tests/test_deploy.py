"""Deployment: template.yaml (AWS SAM) and scripts/build_lambda.py (the Lambda package).

Hermetic: cfn-lint runs offline, the template is read as data, and the build script's
helpers run on small temporary folders with a fake pip. The one test that really
downloads wheels and imports the built package runs only with HIPCOACH_NETWORK_TESTS=1.
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import re
import subprocess
import sys
import tomllib
import warnings
import zipfile
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from skill.adapters.dynamodb_store import PARTITION_KEY_NAME
from skill.core.record import fields as record_fields
from skill.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "template.yaml"
FUNCTION = "HipCoachFunction"

AWS_SETTINGS = {
    "HIPCOACH_PERSISTENCE", "HIPCOACH_TABLE", "HIPCOACH_SKILL_ID", "HIPCOACH_SPEECH",
    "HIPCOACH_POLLY_VOICE", "HIPCOACH_AUDIO_STORE", "HIPCOACH_AUDIO_BUCKET",
    "HIPCOACH_AUDIO_BASE_URL", "HIPCOACH_DATA_DIR", "HIPCOACH_VERIFY", "HIPCOACH_LOG_LEVEL",
    "HIPCOACH_STREAMING",
}
"""Settings whose embedded default is wrong on Lambda, so the template must set them."""

EXPECTED_ACTIONS = {
    "polly:SynthesizeSpeech",
    "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem",
    "s3:GetObject", "s3:PutObject", "s3:ListBucket",
}
"""Everything the function may do besides logging (least privilege: no more)."""

WILDCARD_RESOURCE_ALLOWED = {"polly:SynthesizeSpeech"}
"""Actions AWS can only grant on Resource "*" (SynthesizeSpeech is scoped by lexicons only)."""


# --- reading the template ---------------------------------------------------------------

class CloudFormationLoader(yaml.SafeLoader):
    """SafeLoader that reads CloudFormation's short-form intrinsics as their long form.

    ``!Ref X`` -> ``{"Ref": "X"}``, ``!GetAtt A.B`` -> ``{"Fn::GetAtt": ["A", "B"]}``,
    ``!Condition C`` -> ``{"Condition": "C"}``, any other ``!Name v`` -> ``{"Fn::Name": v}``.
    """


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    elif isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, deep=True)
    else:  # pragma: no cover - yaml has no other node kinds
        raise yaml.constructor.ConstructorError(None, None, f"unexpected node {node!r}")
    if suffix in {"Ref", "Condition"}:
        return {suffix: value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


CloudFormationLoader.add_multi_constructor("!", _intrinsic)


@cache
def _template_cached() -> str:
    return json.dumps(yaml.load(TEMPLATE.read_text(), Loader=CloudFormationLoader))


def template() -> dict[str, Any]:
    """template.yaml as data (a fresh copy per call, so no test can alter another's)."""
    data = json.loads(_template_cached())
    assert isinstance(data, dict)
    return data


def resource(name: str) -> dict[str, Any]:
    found = template()["Resources"][name]
    assert isinstance(found, dict)
    return found


def resources_of_type(kind: str) -> dict[str, dict[str, Any]]:
    return {n: r for n, r in template()["Resources"].items() if r["Type"] == kind}


def function_properties() -> dict[str, Any]:
    properties = resource(FUNCTION)["Properties"]
    assert isinstance(properties, dict)
    return properties


def environment() -> dict[str, Any]:
    variables = function_properties()["Environment"]["Variables"]
    assert isinstance(variables, dict)
    return variables


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def function_statements() -> list[dict[str, Any]]:
    statements: list[dict[str, Any]] = []
    for policy in function_properties()["Policies"]:
        assert isinstance(policy, dict), f"managed or SAM template policy {policy!r}: inline only"
        statements += as_list(policy["Statement"])
    return statements


def refers_to(value: Any, logical_id: str) -> bool:
    """Whether an intrinsic (Ref, GetAtt, Sub) in ``value`` names ``logical_id``."""
    text = json.dumps(value)
    return (f'"Ref": "{logical_id}"' in text or f'"Fn::GetAtt": ["{logical_id}"' in text
            or f"${{{logical_id}" in text)


# --- the template -----------------------------------------------------------------------

def test_loader_reads_short_form_intrinsics() -> None:
    text = "a: !Ref X\nb: !GetAtt T.Arn\nc: !Sub 'x-${Y}'\nd: !Join [',', [a, b]]\ne: !If [C, 1, 2]"
    data = yaml.load(text, Loader=CloudFormationLoader)
    assert data == {"a": {"Ref": "X"}, "b": {"Fn::GetAtt": ["T", "Arn"]},
                    "c": {"Fn::Sub": "x-${Y}"}, "d": {"Fn::Join": [",", ["a", "b"]]},
                    "e": {"Fn::If": ["C", 1, 2]}}


def test_cfn_lint_finds_no_errors() -> None:
    from cfnlint.api import lint  # type: ignore[import-untyped]

    with warnings.catch_warnings():  # cfn-lint's own dependencies may warn; not ours to fix
        warnings.simplefilter("ignore")
        matches = lint(TEMPLATE.read_text(), regions=["us-east-1", "eu-west-1", "us-west-2"])
    errors = [str(m) for m in matches if m.rule.id.startswith("E")]
    assert errors == []


def test_template_is_sam() -> None:
    data = template()
    assert data["Transform"] == "AWS::Serverless-2016-10-31"
    assert resource(FUNCTION)["Type"] == "AWS::Serverless::Function"


def test_function_runtime_handler_architecture() -> None:
    props = function_properties()
    assert props["Runtime"] == "python3.12"
    assert props["Handler"] == "skill.lambda_function.handler"
    assert props["Architectures"] == ["arm64"]
    module = props["Handler"].rsplit(".", 1)[0]
    assert (ROOT / (module.replace(".", "/") + ".py")).is_file()


def test_function_timeout_fits_alexa_and_memory_is_chosen() -> None:
    props = function_properties()
    assert 6 <= props["Timeout"] <= 7.5, "Alexa waits about 8 s; Lambda's default 3 s is too short"
    assert isinstance(props["MemorySize"], int) and 256 <= props["MemorySize"] <= 3008


def test_alexa_trigger_admits_only_the_skill_id_parameter() -> None:
    events = function_properties()["Events"]
    alexa = [e for e in events.values() if e["Type"] == "AlexaSkill"]
    assert len(alexa) == 1
    assert alexa[0]["Properties"]["SkillId"] == {"Ref": "SkillId"}
    assert len(events) == 1, "the function has no other trigger"
    parameter = template()["Parameters"]["SkillId"]
    assert "Default" not in parameter, "the skill id is required"
    assert re.fullmatch(parameter["AllowedPattern"],
                        "amzn1.ask.skill.0f9e8d7c-1234-5678-9abc-def012345678")


def test_sam_build_runs_the_build_script() -> None:
    """`sam build` goes through scripts/sam/Makefile to build_lambda.py: one package recipe."""
    assert resource(FUNCTION)["Metadata"]["BuildMethod"] == "makefile"
    makefile = (ROOT / function_properties()["CodeUri"] / "Makefile").read_text()
    target = re.search(rf"^build-{FUNCTION}:\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert target is not None, f"no build-{FUNCTION} target"
    recipe = target.group(1)
    assert "scripts/build_lambda.py" in recipe
    assert "$(ARTIFACTS_DIR)" in recipe and "--no-zip" in recipe


def test_table_is_on_demand_with_recovery_and_encryption() -> None:
    (table,) = resources_of_type("AWS::DynamoDB::Table").values()
    props = table["Properties"]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert props["SSESpecification"]["SSEEnabled"] is True
    assert props["KeySchema"] == [{"AttributeName": PARTITION_KEY_NAME, "KeyType": "HASH"}]
    assert props["AttributeDefinitions"] == [{"AttributeName": PARTITION_KEY_NAME,
                                              "AttributeType": "S"}]
    assert table["DeletionPolicy"] == "Retain", "user state must survive a deleted stack"


def test_audio_bucket_is_private_and_encrypted() -> None:
    (bucket,) = resources_of_type("AWS::S3::Bucket").values()
    props = bucket["Properties"]
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True,
        "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
    assert props["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    rules = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rules[0]["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in {"AES256", "aws:kms"}


def test_only_the_cloudfront_distribution_may_read_the_bucket() -> None:
    (policy,) = resources_of_type("AWS::S3::BucketPolicy").values()
    statements = as_list(policy["Properties"]["PolicyDocument"]["Statement"])
    allows = [s for s in statements if s["Effect"] == "Allow"]
    assert len(allows) == 1
    (allow,) = allows
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert as_list(allow["Action"]) == ["s3:GetObject"]
    source = allow["Condition"]["StringEquals"]["AWS:SourceArn"]
    assert refers_to(source, "AudioDistribution")


def test_audio_is_served_over_https_through_origin_access_control() -> None:
    (distribution,) = resources_of_type("AWS::CloudFront::Distribution").values()
    config = distribution["Properties"]["DistributionConfig"]
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] in {"https-only",
                                                                     "redirect-to-https"}
    (origin,) = config["Origins"]
    assert refers_to(origin["DomainName"], "AudioBucket")
    assert refers_to(origin["OriginAccessControlId"], "AudioOriginAccessControl")
    assert origin["S3OriginConfig"]["OriginAccessIdentity"] == ""
    oac = resource("AudioOriginAccessControl")["Properties"]["OriginAccessControlConfig"]
    assert (oac["OriginAccessControlOriginType"], oac["SigningBehavior"]) == ("s3", "always")
    assert environment()["HIPCOACH_AUDIO_BASE_URL"] == {
        "Fn::Sub": "https://${AudioDistribution.DomainName}"}


def test_iam_is_least_privilege() -> None:
    statements = function_statements()
    actions = [a for s in statements for a in as_list(s["Action"])]
    assert set(actions) == EXPECTED_ACTIONS
    for statement in statements:
        assert statement["Effect"] == "Allow"
        for action in as_list(statement["Action"]):
            assert "*" not in action, f"wildcard action {action}"
        if "*" in as_list(statement["Resource"]):
            assert set(as_list(statement["Action"])) <= WILDCARD_RESOURCE_ALLOWED, statement
        service = {a.split(":", 1)[0] for a in as_list(statement["Action"])}
        if service & {"dynamodb"}:
            assert all(refers_to(r, "UsersTable") for r in as_list(statement["Resource"]))
        if service & {"s3"}:
            assert all(refers_to(r, "AudioBucket") for r in as_list(statement["Resource"]))


def test_environment_names_real_settings() -> None:
    fields = set(record_fields(Settings))
    for name in environment():
        assert name.startswith("HIPCOACH_"), name
        assert name.removeprefix("HIPCOACH_").lower() in fields, f"{name} is no Settings field"


def test_environment_sets_what_differs_on_aws() -> None:
    missing = AWS_SETTINGS - set(environment())
    assert not missing, f"not set for Lambda: {sorted(missing)}"
    parameters = template()["Parameters"]
    required = {name for name, p in parameters.items() if "Default" not in p}
    assert required == {"SkillId"}, "every other parameter has a working default"


def _placeholder(value: Any) -> str:
    """A string for an intrinsic: the parameter default, or what CloudFormation would give."""
    if isinstance(value, str):
        return value
    parameters = template()["Parameters"]
    if "Ref" in value and value["Ref"] in parameters:
        return str(parameters[value["Ref"]].get("Default", "amzn1.ask.skill.test"))
    if "Fn::Sub" in value:
        return re.sub(r"\$\{[^}]+\}", "d111111abcdef8.cloudfront.net", value["Fn::Sub"])
    return f"resolved-{json.dumps(value)}"


def test_environment_means_aws_to_settings() -> None:
    env = {name: _placeholder(value) for name, value in environment().items()}
    settings = Settings.from_env(env)
    assert settings.persistence == "dynamodb"
    assert settings.speech == "polly"
    assert settings.audio_store == "s3"
    assert settings.verify is False, "Lambda requests come through the ASK trigger, unsigned"
    assert settings.data_dir == Path("/tmp/hipcoach"), "only /tmp is writable on Lambda"
    assert settings.audio_base_url is not None and settings.audio_base_url.startswith("https://")
    assert settings.skill_id and settings.table and settings.audio_bucket
    assert settings.log_level in {"DEBUG", "INFO", "WARNING", "ERROR"}


def test_logs_have_retention_and_outputs_name_what_the_console_needs() -> None:
    (group,) = resources_of_type("AWS::Logs::LogGroup").values()
    assert group["Properties"]["RetentionInDays"]
    assert function_properties()["LoggingConfig"]["LogGroup"] == {"Ref": "HipCoachLogGroup"}
    outputs = template()["Outputs"]
    assert outputs["FunctionArn"]["Value"] == {"Fn::GetAtt": [FUNCTION, "Arn"]}
    assert refers_to(outputs["TableName"]["Value"], "UsersTable")
    assert refers_to(outputs["AudioBucketName"]["Value"], "AudioBucket")
    assert refers_to(outputs["AudioBaseUrl"]["Value"], "AudioDistribution")


def test_hipcoach_deploy_matches_the_template() -> None:
    """`hipcoach deploy` reads these outputs and overrides these parameters by name, and
    acknowledges CAPABILITY_IAM only: enough while no IAM resource has a custom name
    (CAPABILITY_NAMED_IAM) and nothing nests an application (CAPABILITY_AUTO_EXPAND)."""
    from skill.deploy.config import DeployConfig
    from skill.deploy.steps import STACK_OUTPUTS, sam_deploy

    data = template()
    assert set(STACK_OUTPUTS) <= set(data["Outputs"])
    argv = sam_deploy(DeployConfig(project_dir=ROOT), "amzn1.ask.skill.0-0").argv
    overrides = argv[argv.index("--parameter-overrides") + 1:]
    assert {o.split("=", 1)[0] for o in overrides} <= set(data["Parameters"])
    assert argv[argv.index("--capabilities") + 1] == "CAPABILITY_IAM"
    assert not resources_of_type("AWS::Serverless::Application")
    for props in (r.get("Properties", {}) for r in data["Resources"].values()):
        assert not {"RoleName", "UserName", "GroupName", "ManagedPolicyName"} & set(props)


# --- the build script -------------------------------------------------------------------

def _load_build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_lambda", ROOT / "scripts/build_lambda.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while building
    spec.loader.exec_module(module)
    return module


bl = _load_build_script()


def _write(path: Path, text: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _fake_dist(target: Path, name: str, files: dict[str, str]) -> None:
    """Install a pretend distribution into ``target`` with a RECORD, like pip does."""
    info = target / f"{name}-1.0.dist-info"
    for relative, text in files.items():
        _write(target / relative, text)
    _write(info / "METADATA", f"Name: {name}\n")
    rows = [*files, f"{info.name}/METADATA", f"{info.name}/RECORD"]
    _write(info / "RECORD", "".join(f"{row},,\n" for row in rows))


def test_dependencies_are_pyprojects_runtime_list() -> None:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        project = tomllib.load(handle)["project"]
    deps = bl.runtime_dependencies()
    assert deps == project["dependencies"]
    names = {bl.canonical_name(re.split(r"[<>=!~\[; ]", d, maxsplit=1)[0]) for d in deps}
    extras = project["optional-dependencies"]
    for requirement in extras["local"] + extras["dev"]:
        name = bl.canonical_name(re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0])
        if name != "hip-coach":
            assert name not in names, f"{name} is a local/dev tool, not a runtime dependency"


def test_pip_command_asks_for_lambda_wheels_only(tmp_path: Path) -> None:
    command = bl.pip_install_command(["a>=1", "b"], tmp_path, "3.12",
                                     ["manylinux2014_aarch64", "manylinux_2_28_aarch64"])
    text = " ".join(command)
    assert command[1:4] == ["-m", "pip", "install"]
    assert f"--target {tmp_path}" in text
    assert "--only-binary=:all:" in command and "--no-compile" in command
    assert "--implementation cp" in text and "--python-version 3.12" in text
    assert "--platform manylinux2014_aarch64 --platform manylinux_2_28_aarch64" in text
    assert command[-2:] == ["a>=1", "b"]
    with pytest.raises(bl.BuildError):
        bl.pip_install_command(["a"], tmp_path, "3.12", [])


def test_defaults_match_the_template() -> None:
    props = function_properties()
    assert f"python{bl.DEFAULT_PYTHON_VERSION}" == props["Runtime"]
    assert bl.DEFAULT_PLATFORM.endswith("_aarch64") and props["Architectures"] == ["arm64"]
    assert props["Handler"].split(".", 1)[0] == bl.PACKAGE


def test_excluded_paths_are_left_out(tmp_path: Path) -> None:
    source = tmp_path / "skill"
    for name in ["__init__.py", "core/pacing.py", "content/routines.yaml",
                 "core/__pycache__/pacing.cpython-311.pyc", "tests/test_x.py",
                 "core/tests/data.yaml", "stray.pyc"]:
        _write(source / name)
    count = bl.copy_package(source, tmp_path / "out" / "skill")
    copied = sorted(p.relative_to(tmp_path / "out").as_posix()
                    for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert copied == ["skill/__init__.py", "skill/content/routines.yaml", "skill/core/pacing.py"]
    assert count == 3


def test_strip_tree_removes_caches_tests_and_scripts(tmp_path: Path) -> None:
    for name in ["pkg/__init__.py", "pkg/__pycache__/m.cpython-311.pyc", "pkg/tests/test_m.py",
                 "pkg/mod.pyo", "bin/normalizer", "pkg/data/testsuite.txt"]:
        _write(tmp_path / name)
    bl.strip_tree(tmp_path)
    left = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert left == ["pkg/__init__.py", "pkg/data/testsuite.txt"]


def test_runtime_provided_distributions_are_removed_by_their_record(tmp_path: Path) -> None:
    _fake_dist(tmp_path, "boto3", {"boto3/__init__.py": "", "boto3/s3/inject.py": ""})
    _fake_dist(tmp_path, "requests", {"requests/__init__.py": ""})
    _write(tmp_path / "boto3" / "keep-not-in-record.txt")
    assert bl.remove_distribution(tmp_path, "Boto3") is True
    assert bl.remove_distribution(tmp_path, "boto3") is False
    assert bl.installed_distributions(tmp_path) == ["requests"]
    assert not (tmp_path / "boto3" / "s3").exists()
    assert (tmp_path / "boto3" / "keep-not-in-record.txt").exists(), "only RECORD's files go"
    assert (tmp_path / "requests" / "__init__.py").exists()


def test_record_paths_outside_the_folder_are_never_removed(tmp_path: Path) -> None:
    outside = _write(tmp_path / "precious.txt")
    target = tmp_path / "target"
    _fake_dist(target, "jmespath", {"jmespath/__init__.py": ""})
    record = next(target.glob("jmespath-*.dist-info")) / "RECORD"
    record.write_text(record.read_text() + "../precious.txt,,\n")
    assert bl.remove_distribution(target, "jmespath")
    assert outside.exists()


def test_contents_check_rejects_dev_tools_and_runtime_provided(tmp_path: Path) -> None:
    _write(tmp_path / "skill" / "__init__.py")
    _fake_dist(tmp_path, "PyYAML", {"yaml/__init__.py": ""})
    bl.check_contents(tmp_path)
    for name in ["Flask", "pytest", "botocore"]:
        _fake_dist(tmp_path, name, {f"{name.lower()}/__init__.py": ""})
        with pytest.raises(bl.BuildError, match=bl.canonical_name(name)):
            bl.check_contents(tmp_path)
        bl.remove_distribution(tmp_path, name)


def _zip_bytes(root: Path, out: Path) -> bytes:
    bl.write_zip(root, out)
    return out.read_bytes()


def test_zip_is_deterministic(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    names = ["skill/__init__.py", "b.txt", "a/z.py", "a/b/c.yaml"]
    for order, root in ((names, first), (list(reversed(names)), second)):
        for name in order:  # created in a different order, with different times
            _write(root / name, f"content of {name}")
    os.utime(second / "b.txt", (1_000_000_000, 1_000_000_000))
    (first / "a" / "z.py").chmod(0o600)
    (second / "a" / "z.py").chmod(0o640)
    one = _zip_bytes(first, tmp_path / "one.zip")
    assert one == _zip_bytes(first, tmp_path / "again.zip")
    assert one == _zip_bytes(second, tmp_path / "two.zip")
    with zipfile.ZipFile(tmp_path / "one.zip") as archive:
        infos = archive.infolist()
        assert [i.filename for i in infos] == sorted(names)
        assert {i.date_time for i in infos} == {bl.ZIP_DATE_TIME}
        assert {(i.external_attr >> 16) & 0o777 for i in infos} == {0o644}
        assert archive.read("a/z.py") == b"content of a/z.py"
    assert not list(tmp_path.glob("*.partial"))


def test_build_dir_that_holds_the_repository_is_refused(tmp_path: Path) -> None:
    for dangerous in [ROOT, ROOT.parent, Path.home()]:
        with pytest.raises(bl.BuildError, match="refusing"):
            bl.prepare_build_dir(dangerous)
    _write(tmp_path / "project" / "pyproject.toml")
    with pytest.raises(bl.BuildError, match="pyproject"):
        bl.prepare_build_dir(tmp_path / "project")
    stale = _write(tmp_path / "build" / "old" / "file.py")
    bl.prepare_build_dir(tmp_path / "build")
    assert not stale.exists() and (tmp_path / "build").is_dir()


def test_build_with_a_fake_pip(tmp_path: Path) -> None:
    commands: list[list[str]] = []

    def fake_pip(command: Sequence[str]) -> None:
        commands.append(list(command))
        target = Path(command[command.index("--target") + 1])
        _fake_dist(target, "PyYAML", {"yaml/__init__.py": "", "yaml/__pycache__/x.pyc": ""})
        _fake_dist(target, "boto3", {"boto3/__init__.py": ""})
        _fake_dist(target, "botocore", {"botocore/__init__.py": "", "botocore/data/s3.json": ""})
        _write(target / "bin" / "jp.py")

    out = tmp_path / "dist" / "package.zip"
    result = bl.build(tmp_path / "build", out, "3.12", ["manylinux2014_aarch64"],
                      install=fake_pip, precompile=False)
    assert len(commands) == 1 and commands[0][-len(bl.runtime_dependencies()):] == \
        bl.runtime_dependencies()
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
    assert "skill/__init__.py" in names and "skill/settings.py" in names
    assert "skill/content/routines.yaml" in names, "content YAML ships with the code"
    assert "yaml/__init__.py" in names
    assert not [n for n in names if n.startswith(("boto3", "botocore", "bin/"))]
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert not [n for n in names if n.startswith("tests/") or "/tests/" in n]
    assert result.artifact == out and result.file_count == len(names)
    assert result.zipped_bytes == out.stat().st_size
    text = bl.describe(result)
    assert str(out) in text and f"files: {len(names)}" in text and "MB" in text


def test_zip_inside_the_build_folder_is_refused(tmp_path: Path) -> None:
    def no_pip(command: Sequence[str]) -> None:
        raise AssertionError("pip must not run")

    with pytest.raises(bl.BuildError, match="inside"):
        bl.build(tmp_path / "b", tmp_path / "b" / "x.zip", install=no_pip)


def test_main_reports_a_refused_build(capsys: pytest.CaptureFixture[str]) -> None:
    assert bl.main(["--build-dir", str(ROOT), "--no-zip"]) == 1
    assert "refusing" in capsys.readouterr().err


# --- a real build (network) -------------------------------------------------------------

@pytest.mark.skipif(os.environ.get("HIPCOACH_NETWORK_TESTS") != "1",
                    reason="downloads wheels from PyPI; set HIPCOACH_NETWORK_TESTS=1")
def test_real_build_for_this_machine_imports_and_answers(tmp_path: Path) -> None:
    """Build for this machine's Python and architecture, then run the packaged handler.

    The arm64/3.12 package cannot be imported here; the same recipe for the host's
    platform shows the package holds what the dialog path imports and nothing local.
    """
    sys.path.insert(0, str(ROOT))
    try:
        from tests.support.alexa import Device
    finally:
        sys.path.remove(str(ROOT))

    machine = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "aarch64",
               "arm64": "aarch64"}[platform.machine().lower()]
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    out = tmp_path / "package.zip"
    result = bl.build(tmp_path / "build", out, version, [f"manylinux2014_{machine}"])
    assert result.zipped_bytes is not None and result.zipped_bytes < bl.LAMBDA_MAX_DIRECT_UPLOAD
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(out) as archive:
        archive.extractall(unpacked)

    device = Device()
    envelopes = [device.launch(), device.start("glute-release")]
    probe = f"""
import importlib.util, json, sys
sys.path.insert(0, {str(unpacked)!r})
import skill.core.pacing, ask_sdk_core, yaml
from skill.lambda_function import handler
answers = [handler(e, None) for e in json.load(sys.stdin)]
absent = [m for m in ("flask", "pytest", "pydub", "click", "boto3", "cryptography")
          if importlib.util.find_spec(m) is not None]
print(json.dumps({{"answers": answers, "importable": absent}}))
"""
    env = {"PATH": os.environ.get("PATH", ""), "HIPCOACH_DATA_DIR": str(tmp_path / "data"),
           "HIPCOACH_PROGRESSIVE": "0", "HIPCOACH_STREAMING": "0"}
    completed = subprocess.run([sys.executable, "-I", "-S", "-c", probe],
                               input=json.dumps(envelopes), capture_output=True, text=True,
                               env=env, timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    assert report["importable"] == [], "local/dev tools must not be importable from the package"
    for answer in report["answers"]:
        assert answer["response"]["outputSpeech"]["ssml"].startswith("<speak>")
        assert "went wrong" not in answer["response"]["outputSpeech"]["ssml"]


def test_bytecode_is_precompiled_when_the_runtime_python_is_here(tmp_path: Path) -> None:
    """With the runtime's Python present the package ships .pyc files that stay valid
    under the zip's fixed timestamps (unchecked-hash), so cold starts skip compiling."""
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    if bl.runtime_python(version) is None:
        pytest.skip(f"no working python{version} on PATH")

    def fake_pip(command: Sequence[str]) -> None:
        target = Path(command[command.index("--target") + 1])
        _fake_dist(target, "PyYAML", {"yaml/__init__.py": "X = 1\n"})

    out = tmp_path / "package.zip"
    bl.build(tmp_path / "build", out, version, ["manylinux2014_x86_64"], install=fake_pip)
    with zipfile.ZipFile(out) as archive:
        pycs = [n for n in archive.namelist() if n.endswith(".pyc")]
        header = archive.read(next(n for n in pycs if n.startswith("skill/__pycache__/app.")))
    assert any(n.startswith("yaml/__pycache__/") for n in pycs)
    assert int.from_bytes(header[4:8], "little") == 0b01, "hash-based, unchecked"
