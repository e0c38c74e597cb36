"""The CI definitions run the README's make targets and nothing else, and the linters catch mistakes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import TypeVar

import pytest
from ruamel.yaml import YAML

from fixtures.commands import venv_for_make
from fixtures.settings import SettingsError, build_settings
from tests.suite_run import pytest_e2e, tail

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
AZURE = ROOT / "azure-pipelines.yml"
T = TypeVar("T")


def workflow(name: str) -> dict:
    """One of the GitHub workflows, as data."""
    return YAML(typ="safe").load((ROOT / ".github" / "workflows" / name).read_text())


def values_of(node: object, keys: tuple[str, ...]) -> list[str]:
    """Every string value of one of ``keys`` anywhere in a definition, as data."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in keys and isinstance(value, str):
                found.append(value.strip())
            else:
                found += values_of(value, keys)
    elif isinstance(node, list):
        for item in node:
            found += values_of(item, keys)
    return found


def commands(node: object) -> list[str]:
    """Every shell command of a definition: GitHub's ``run:``, Azure's ``script:``."""
    return values_of(node, ("run", "script", "bash"))


def only(items: list[T], what: str, where: str) -> T:
    """The one item of a definition's list that ``what`` describes; a missing or doubled one named in the failure."""
    assert len(items) == 1, f"{where}: expected one {what}, found {len(items)}"
    return items[0]


@pytest.mark.parametrize("definition", [*WORKFLOWS, AZURE], ids=lambda path: path.name)
def test_every_step_is_a_make_target_the_readme_documents(definition: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    steps = commands(YAML(typ="safe").load(definition.read_text()))
    assert steps, f"{definition.name} runs nothing"
    for command in steps:
        match = re.fullmatch(r"make ([a-z-]+)((?: [A-Z_]+=\S+)*)", command)
        assert match, f"{definition.name}: {command!r} is not a make target"
        target = match.group(1)
        assert re.search(rf"^{target}:", makefile, re.M), f"{definition.name}: no make target {target}"
        assert f"make {target}" in readme, f"{definition.name}: README does not document make {target}"


NIGHTLY_SECRETS = {"B2C_TENANT": "fabrikam", "B2C_POLICIES": "B2C_1_susi", "B2C_CLIENT_ID": "5ca1ab1e-0000-4000-8000-00000000c0de",
                   "B2C_DOMAIN": "login.fabrikam.com", "MOBILEID_CONTROL_URL": "https://mid.fabrikam.test/control",
                   "MOBILEID_METADATA_URL": "https://mid.fabrikam.test/.well-known/openid-configuration", "MOBILEID_CONTROL_TOKEN": "s3cr3t"}


def nightly_shard_step() -> dict:
    """nightly.yml's `make shard` step."""
    journeys = workflow("nightly.yml")["jobs"]["journeys"]
    return only([step for step in journeys["steps"] if step.get("run") == "make shard"], "`make shard` step", "nightly.yml journeys")


def nightly_shard_env(variables: dict[str, str], secrets: dict[str, str] = NIGHTLY_SECRETS) -> dict[str, str]:
    """What nightly.yml's shard step gets, with the repository's ``secrets`` and ``variables``, as GitHub gives it."""
    nightly = workflow("nightly.yml")
    journeys = nightly["jobs"]["journeys"]
    shard = nightly_shard_step()
    workflow_env = {name: github_value(value, {}, secrets, variables) for name, value in nightly["env"].items()}
    given = {**{k: v for k, v in journeys["env"].items() if not str(v).startswith("${{ matrix.") and "strategy." not in str(v)},
             **shard["env"]}
    return {**workflow_env, **{name: github_value(value, {}, secrets, variables, workflow_env) for name, value in given.items()}}


def test_githubs_nightly_hands_the_journeys_every_setting_a_tenant_with_a_deployed_emulator_needs() -> None:
    """The settings check's required ones, and MOBILEID_METADATA_URL, whose default (the real service's discovery)
    fails the preflight against a deployed emulator; the control token only to the step that runs the shard."""
    env = nightly_shard_env({})
    assert {name: env.get(name) for name in NIGHTLY_SECRETS} == NIGHTLY_SECRETS and env["E2E_TARGET"] == "tenant"
    settings = build_settings(env)
    assert (settings.tenant, settings.control_token, settings.idp_metadata_url) == ("fabrikam", "s3cr3t", NIGHTLY_SECRETS["MOBILEID_METADATA_URL"])
    assert secret_given_only_to(ROOT / ".github" / "workflows" / "nightly.yml", "MOBILEID_CONTROL_TOKEN") == ["journeys: make shard"]


def secret_given_only_to(workflow_file: Path, name: str) -> list[str]:
    """Where a workflow hands ``name`` out (\"job: step\" for a step's env, \"job\" for a job's, \"workflow\" for the whole
    workflow's): a secret belongs in the one step that needs it."""
    workflow = YAML(typ="safe").load(workflow_file.read_text())
    given = ["workflow"] if name in (workflow.get("env") or {}) else []
    for job_id, job in workflow["jobs"].items():
        given += [job_id] if name in (job.get("env") or {}) else []
        given += [f"{job_id}: {step.get('run') or step.get('name')}" for step in job.get("steps", []) if name in (step.get("env") or {})]
    return given


def test_a_repository_variable_keeps_the_nightly_on_the_local_stack_whatever_secrets_it_has() -> None:
    """A tenant federated with the real Mobile ID (its smoke has a person approving) keeps its nightly local: the
    journeys get none of the tenant's secrets, so the local run's settings check does not refuse them."""
    from tests.local_stack import LOCAL_STACK

    env = nightly_shard_env({"E2E_TARGET": "local"})
    assert env["E2E_TARGET"] == "local" and not any(env.get(name) for name in NIGHTLY_SECRETS)
    assert build_settings(env, LOCAL_STACK).target == "local"



def github_value(value: object, inputs: dict[str, str], secrets: dict[str, str], variables: dict[str, str],
                 env: dict[str, str] | None = None) -> str:
    """A workflow's env value as GitHub would give it, for the few expression shapes the workflows use: ``inputs.X``,
    ``secrets.X``, ``vars.X``, ``inputs.X == 'V' && secrets.Y || ''`` (``vars``, ``env``, ``!=`` too) and the nightly's target
    (another shape fails, named)."""
    text = str(value)
    if not (expression := re.fullmatch(r"\$\{\{ (.+) \}\}", text)):
        return text
    contexts = {"inputs": inputs, "secrets": secrets, "vars": variables, "env": env or {}}
    if plain := re.fullmatch(r"(inputs|secrets|vars)\.(\w+)", expression.group(1)):
        return contexts[plain.group(1)].get(plain.group(2), "")
    if gated := re.fullmatch(r"(inputs|vars|env)\.(\w+) (==|!=) '(\w+)' && (secrets|vars)\.(\w+) \|\| ''", expression.group(1)):
        on, name, compare, wanted, context, key = gated.groups()
        holds = (contexts[on].get(name, "").lower() == wanted.lower()) == (compare == "==")  # GitHub compares strings ignoring case
        return (contexts[context].get(key, "") or "") if holds else ""
    if chosen := re.fullmatch(r"vars\.(\w+) \|\| \(secrets\.(\w+) != '' && '(\w+)' \|\| '(\w+)'\)", expression.group(1)):
        variable, secret, present, absent = chosen.groups()  # the nightly's target
        return variables.get(variable) or (present if secrets.get(secret) else absent)
    raise AssertionError(f"an expression this test cannot read: {text}")


def test_the_tenant_smoke_runs_with_the_nightlys_deployed_emulator_or_the_real_service_and_never_the_local_stack() -> None:
    """smoke.yml, the pre-release check: the nightly's tenant settings by the same secrets, E2E_TARGET fixed to tenant (a
    missing secret stops it, named, instead of a green smoke of the emulators), secrets only where make smoke runs, the
    evidence kept whatever the outcome. Its input picks Mobile ID: a repository whose nightly uses the deployed emulator
    can run it with the real service (the emulator's settings then left out, as the settings require), and the other way
    round. The nightly may be told to require the tenant (vars.E2E_TARGET)."""
    workflows = {path.name: YAML(typ="safe").load(path.read_text()) for path in WORKFLOWS}
    smoke, nightly = workflows["smoke.yml"]["jobs"]["smoke"], workflows["nightly.yml"]["jobs"]["journeys"]
    triggers = workflows["smoke.yml"].get("on") or workflows["smoke.yml"][True]  # YAML 1.1 reads a bare `on` as true
    choice = triggers["workflow_dispatch"]["inputs"]["mobile_id"]
    assert (choice["options"], choice["default"], triggers["workflow_call"]["inputs"]["mobile_id"]["default"]) == (
        ["emulator", "real"], "emulator", "emulator")
    run = only([step for step in smoke["steps"] if step.get("run") == "make smoke"], "`make smoke` step", "smoke.yml")
    secrets = {name: f"https://{name.lower()}.example" for name in ("MOBILEID_CONTROL_URL", "MOBILEID_METADATA_URL",
                                                                     "MOBILEID_APPROVAL_WEBHOOK")}
    secrets.update(B2C_TENANT="fabrikam", B2C_POLICIES="B2C_1_susi", B2C_CLIENT_ID="5ca1ab1e-0000-4000-8000-00000000c0de",
                   MOBILEID_CONTROL_TOKEN="s3cr3t", MOBILEID_TEST_NUMBER="+41791234567")
    nightly_env = {k: v for k, v in nightly_shard_env({}, secrets).items() if k in nightly_shard_step()["env"] and k != "MOBILEID_CONTROL_TOKEN"}
    for mode in ("emulator", "real"):
        env = {k: github_value(v, {"mobile_id": mode}, secrets, {}) for k, v in {**smoke["env"], **run["env"]}.items()}
        settings = build_settings(env)
        assert (settings.target, settings.mobileid_mode) == ("tenant", mode)
        assert {k: env[k] for k in nightly_env if k.startswith("B2C_")} == {k: v for k, v in nightly_env.items() if k.startswith("B2C_")}
        if mode == "emulator":  # the nightly's deployed emulator, its control token
            assert (settings.control_url, settings.control_token, settings.idp_metadata_url) == (
                secrets["MOBILEID_CONTROL_URL"], "s3cr3t", secrets["MOBILEID_METADATA_URL"])
        else:  # the real service's discovery, the person's phone and webhook
            assert (settings.control_url, settings.control_token, settings.test_number, settings.approval_webhook) == (
                None, None, "+41791234567", secrets["MOBILEID_APPROVAL_WEBHOOK"])
    for secret in ("MOBILEID_CONTROL_TOKEN", "MOBILEID_APPROVAL_WEBHOOK", "MOBILEID_TEST_NUMBER"):  # only where make smoke runs
        assert secret_given_only_to(ROOT / ".github" / "workflows" / "smoke.yml", secret) == ["smoke: make smoke"], secret
    kept = only([step for step in smoke["steps"] if str(step.get("uses", "")).startswith("actions/upload-artifact")], "upload", "smoke.yml")
    assert kept["if"] == "${{ !cancelled() }}" and "test-results/" in kept["with"]["path"] and "allure-results/" in kept["with"]["path"]
    # The target once for the whole workflow: its shards run it; the message's title takes it from their results
    # (scripts/quality_gate.py target_of), not from the workflow's settings.
    workflow = workflows["nightly.yml"]
    assert workflow["env"]["E2E_TARGET"].startswith("${{ vars.E2E_TARGET || ") and "E2E_TARGET" not in nightly["env"]
    report = only([step for step in workflow["jobs"]["report"]["steps"] if step.get("run") == "make nightly-report"], "report step", "nightly.yml")
    assert report["env"]["NOTIFY_TITLE"] == "Nightly B2C + Mobile ID journeys"


def settings_refused_on_ci(env: dict[str, str], ci: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """What a run given ``env`` on the runner ``ci`` describes (its variables) says when its settings stop it: the
    environment holds nothing else of the suite's, and the runner has no .env."""
    from fixtures.settings import SETTINGS
    from fixtures.settings_plugin import load_settings

    for name in [*SETTINGS, "GITHUB_ACTIONS", "TF_BUILD"]:
        monkeypatch.delenv(name, raising=False)
    for name, value in {**env, **ci}.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as refused:
        load_settings(tmp_path / ".env")
    return str(refused.value)


def test_a_smoke_without_the_tenants_secrets_names_each_and_where_a_repository_adds_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fork, a new repository, or a release workflow calling smoke.yml without `secrets: inherit`: the smoke stops before
    any journey naming each missing setting, and (a runner has no .env, which "e.g. B2C_TENANT=contoso" reads as) says they
    are the repository's secrets and where to add them; on Azure, the pipeline's variables, plain unless the YAML maps them."""
    smoke = workflow("smoke.yml")["jobs"]["smoke"]
    run = only([step for step in smoke["steps"] if step.get("run") == "make smoke"], "`make smoke` step", "smoke.yml")
    env = {k: github_value(v, {"mobile_id": "emulator"}, {}, {}) for k, v in {**smoke["env"], **run["env"]}.items()}
    said = settings_refused_on_ci(env, {"GITHUB_ACTIONS": "true"}, tmp_path, monkeypatch)
    missing = ["B2C_TENANT", "B2C_POLICIES", "B2C_CLIENT_ID", "MOBILEID_CONTROL_URL"]
    assert all(f"{name} is not set" in said for name in missing), said
    assert ("the workflows take B2C_TENANT, B2C_POLICIES, B2C_CLIENT_ID and MOBILEID_CONTROL_URL from the repository's secrets" in said
            and "Settings > Secrets and variables > Actions > New repository secret" in said and "`secrets: inherit`" in said), said
    # Azure's manual smoke with the real service, in a pipeline with none of its variables: the phone's is a secret it maps.
    stage = next(stage for stage in YAML(typ="safe").load(AZURE.read_text())["stages"] if stage["stage"] == "smoke")
    job = only(stage["jobs"], "job", "azure-pipelines.yml smoke stage")
    azure_run = only([step for step in job["steps"] if step.get("script") == "make smoke"], "`make smoke` step", "azure smoke")
    chosen = {"run": "smoke", "mobileId": "real"}
    azure_env = {**azure_template(stage["variables"], chosen),
                 **{name: azure_macros(value, {}) for name, value in azure_template(azure_run["env"], chosen).items()}}
    said = settings_refused_on_ci(azure_env, {"TF_BUILD": "True"}, tmp_path, monkeypatch)
    assert ("Azure Pipelines: add B2C_TENANT, B2C_POLICIES and B2C_CLIENT_ID as plain pipeline variables" in said
            and "MOBILEID_TEST_NUMBER as secret variable (azure-pipelines.yml maps it)" in said), said
    # Azure's nightly in tenant mode with one plain variable missing: that one alone, as a plain variable.
    nightly = {"E2E_TARGET": "tenant", "B2C_POLICIES": "B2C_1_susi", "B2C_CLIENT_ID": "5ca1ab1e-0000-4000-8000-00000000c0de",
               "MOBILEID_CONTROL_URL": "https://mid.fabrikam.test/control"}
    said = settings_refused_on_ci(nightly, {"TF_BUILD": "True"}, tmp_path, monkeypatch)
    assert "add B2C_TENANT as plain pipeline variable (" in said and "as secret variable" not in said, said
    # Off CI the settings' own words stand (a .env or the shell), without a CI's note.
    assert "GitHub" not in settings_refused_on_ci(env, {}, tmp_path, monkeypatch)


def test_a_smoke_stopped_by_a_missing_secret_says_which_on_githubs_run_page(tmp_path: Path) -> None:
    """The run's page showed "Process completed with exit code 4" alone: why no journey ran, and where to add the secret,
    were in the log. The run now adds them to the job summary (GITHUB_STEP_SUMMARY), redacted as the log is."""
    smoke = workflow("smoke.yml")["jobs"]["smoke"]
    run = only([step for step in smoke["steps"] if step.get("run") == "make smoke"], "`make smoke` step", "smoke.yml")
    secrets = {"MOBILEID_CONTROL_TOKEN": "tok-0f9e8d7c6b5a4-s3cr3t", "B2C_POLICIES": "tok-0f9e8d7c6b5a4-s3cr3t"}  # pasted twice
    env = {k: github_value(v, {"mobile_id": "emulator"}, secrets, {}) for k, v in {**smoke["env"], **run["env"]}.items()}
    page = tmp_path / "summary.md"
    ran = pytest_e2e("-m", "smoke", f"--alluredir={tmp_path / 'results'}", **env, GITHUB_ACTIONS="true", GITHUB_STEP_SUMMARY=str(page))
    assert ran.returncode == 4, tail(ran.stdout + ran.stderr)
    said = page.read_text()
    assert said.startswith("### No journey ran: suite settings\n") and "B2C_TENANT is not set" in said, said
    assert "New repository secret" in said and "No journey ran." in said and "s3cr3t" not in said, said


def test_an_azure_smoke_stopped_by_a_missing_variable_uploads_why_to_the_runs_summary(tmp_path: Path) -> None:
    """Azure's run showed "Bash exited with code '4'" alone: the run uploads why no journey ran as a summary of the run
    (a file of its own in Agent.TempDirectory, named by the logging command at the start of a line of its output)."""
    stage = next(stage for stage in YAML(typ="safe").load(AZURE.read_text())["stages"] if stage["stage"] == "smoke")
    job = only(stage["jobs"], "job", "azure-pipelines.yml smoke stage")
    azure_run = only([step for step in job["steps"] if step.get("script") == "make smoke"], "`make smoke` step", "azure smoke")
    chosen = {"run": "smoke", "mobileId": "real"}
    env = {**azure_template(stage["variables"], chosen),
           **{name: azure_macros(value, {}) for name, value in azure_template(azure_run["env"], chosen).items()}}
    temp = tmp_path / "agent-temp"
    temp.mkdir()
    ran = pytest_e2e("-m", "smoke", f"--alluredir={tmp_path / 'results'}", **env, TF_BUILD="True", AGENT_TEMPDIRECTORY=str(temp))
    assert ran.returncode == 4, tail(ran.stdout + ran.stderr)
    uploaded = re.findall(r"^##vso\[task\.uploadsummary\](.+)$", ran.stdout, re.M)
    assert len(uploaded) == 1 and Path(uploaded[0]).parent == temp, tail(ran.stdout)
    said = Path(uploaded[0]).read_text()
    assert said.startswith("### No journey ran: suite settings\n") and "B2C_TENANT is not set" in said, said
    assert "plain pipeline variables" in said and "No journey ran." in said, said


def test_a_report_job_run_again_renders_the_history_its_run_found_and_saves_its_own() -> None:
    """Each platform hands the report its run's id (scripts/report_history.py: the night once in the trend, however often
    its report is rendered); GitHub's history cache is saved per attempt, restored from the latest earlier one; smoke.yml
    is run by hand or called by a release workflow."""
    workflows = {path.name: YAML(typ="safe").load(path.read_text()) for path in WORKFLOWS}
    steps = workflows["nightly.yml"]["jobs"]["report"]["steps"]
    report = only([step for step in steps if step.get("run") == "make nightly-report"], "report step", "nightly.yml")
    assert report["env"]["NIGHTLY_RUN_ID"] == "${{ github.run_id }}"
    restore = only([step for step in steps if str(step.get("uses", "")).startswith("actions/cache/restore")], "restore", "nightly.yml")
    save = only([step for step in steps if str(step.get("uses", "")).startswith("actions/cache/save")], "save", "nightly.yml")
    assert restore["with"]["key"] == save["with"]["key"] == "allure-history-${{ github.run_id }}-${{ github.run_attempt }}"
    assert restore["with"]["restore-keys"] == "allure-history-"
    azure = {job["job"]: job for stage in YAML(typ="safe").load(AZURE.read_text())["stages"] for job in stage["jobs"]}
    azure_report = only([step for step in azure["report"]["steps"] if str(step.get("script", "")).startswith("make nightly-report")],
                        "`make nightly-report` step", "azure-pipelines.yml report")
    assert azure_report["env"]["NIGHTLY_RUN_ID"] == "$(Build.BuildId)"
    triggers = workflows["smoke.yml"].get("on") or workflows["smoke.yml"][True]  # YAML 1.1 reads a bare `on` as true
    assert {"workflow_dispatch", "workflow_call"} <= set(triggers)


def test_every_pull_request_is_linted_and_type_checked_on_both_platforms() -> None:
    pull_request = workflow("pull-request.yml")
    azure = {job["job"]: job for stage in YAML(typ="safe").load(AZURE.read_text())["stages"] for job in stage["jobs"]}
    assert "make lint" in commands(pull_request) and "make lint" in commands(azure["fast_tests"])

def test_the_merge_expects_as_many_shards_as_the_nightly_runs() -> None:
    """A shard that uploaded nothing must show in the report (scripts/merge_results.py --expect), so the merge's
    EXPECT_SHARDS is the number of shards the nightly starts, on both platforms; on Azure the gate is a job of its own."""
    nightly = workflow("nightly.yml")
    shards = nightly["jobs"]["journeys"]["strategy"]["matrix"]["shard"]
    merge = only([step for step in nightly["jobs"]["report"]["steps"] if step.get("run") == "make merge-results"], "`make merge-results` step", "nightly.yml report")
    assert int(merge["env"]["EXPECT_SHARDS"]) == len(shards) == max(shards)
    report = only([step for step in nightly["jobs"]["report"]["steps"] if step.get("run") == "make nightly-report"], "`make nightly-report` step", "nightly.yml report")
    assert report["if"] == "${{ !cancelled() }}"  # also after a failed merge: the message says there are no results
    history = only([step for step in nightly["jobs"]["report"]["steps"] if str(step.get("uses", "")).startswith("actions/cache/save")],
                   "actions/cache/save step", "nightly.yml report")
    # A red night's history is kept too, but only one that was restored: an early step's failure skipped the restore,
    # and an empty .allure saved as the newest cache would have been the next night's whole trend.
    assert history["if"] == "${{ !cancelled() && steps.history.outcome == 'success' }}"
    restore = only([step for step in nightly["jobs"]["report"]["steps"] if step.get("id") == "history"], "restore step", "nightly.yml report")
    assert str(restore["uses"]).startswith("actions/cache/restore") and restore["if"] == "${{ !cancelled() }}"
    azure = {job["job"]: job for stage in YAML(typ="safe").load(AZURE.read_text())["stages"] for job in stage["jobs"]}
    merge = only([step for step in azure["report"]["steps"] if step.get("script") == "make merge-results"], "`make merge-results` step", "azure-pipelines.yml report")
    assert int(merge["env"]["EXPECT_SHARDS"]) == int(azure["journeys"]["strategy"]["parallel"])
    report = only([step for step in azure["report"]["steps"] if str(step.get("script", "")).startswith("make nightly-report")],
                  "`make nightly-report` step", "azure-pipelines.yml report")
    assert report["script"] == "make nightly-report NIGHTLY_GATE=no" and report["condition"] == "succeededOrFailed()"
    assert report["continueOnError"] == "true"  # a refused webhook or a report that did not render: the history is saved still
    assert azure["gate"]["dependsOn"] == "report" and "make quality-gate" in commands(azure["gate"])
    # A shard job cancelled at its time limit is Canceled, not Failed: the report and the gate still run.
    assert azure["report"]["condition"] == azure["gate"]["condition"] == "not(canceled())"
    # The merged results' artifact is not one of the shards' (allure-results-*), which a re-run would download as a shard.
    download = only([step for step in azure["report"]["steps"] if step.get("task") == "DownloadPipelineArtifact@2"],
                    "DownloadPipelineArtifact@2 step", "azure-pipelines.yml report")
    published = [step["inputs"]["artifact"] for step in azure["report"]["steps"] if step.get("task") == "PublishPipelineArtifact@1"]
    assert download["inputs"]["itemPattern"] == "allure-results-*/**" and not any(name.startswith("allure-results-") for name in published)
    # The gate merges the shards' latest attempts as the report job does (a shard's job run again is judged by its new
    # results whether or not the report job runs again), before make quality-gate reads them.
    gate_download = only([step for step in azure["gate"]["steps"] if step.get("task") == "DownloadPipelineArtifact@2"],
                         "DownloadPipelineArtifact@2 step", "azure-pipelines.yml gate")
    assert gate_download["inputs"] == download["inputs"], (gate_download["inputs"], download["inputs"])
    gate_merge = only([step for step in azure["gate"]["steps"] if step.get("script") == "make merge-results"], "`make merge-results` step",
                      "azure-pipelines.yml gate")
    assert gate_merge["env"] == merge["env"]
    assert commands(azure["gate"]).index("make merge-results") < commands(azure["gate"]).index("make quality-gate")
    # The pull request's smoke keeps its evidence (traces, screenshots, JUnit XML) whatever the outcome.
    evidence = [step for step in azure["smoke"]["steps"] if step.get("task") == "PublishPipelineArtifact@1"
                and step["inputs"]["targetPath"].endswith("/test-results")]
    assert evidence and evidence[0]["condition"] == "succeededOrFailed()", azure["smoke"]["steps"]


def test_every_journey_has_a_committed_duration_for_the_shards() -> None:
    """pytest-split balances the nightly's shards over .test_durations; a journey missing there gets the average.
    Compared by test function: the parameters (policies) follow the run's settings, which a .env may change."""
    collected = pytest_e2e("--collect-only", "-n", "0")  # the local defaults, whatever the environment and .env say
    journeys = {line.split("[")[0] for line in collected.stdout.splitlines() if line.startswith("e2e/") and "::" in line}
    assert journeys, tail(collected.stdout, 2000) + tail(collected.stderr, 2000)
    listed = {node.split("[")[0] for node in json.loads((ROOT / ".test_durations").read_text())}
    missing = sorted(journeys - listed)
    assert not missing, (f"{len(missing)} journey(s) without a duration in .test_durations, which balances the nightly's shards: "
                         f"{', '.join(missing[:5])}; add them with .venv/bin/pytest e2e -k NAME -n 0 --store-durations "
                         "--durations-path .test_durations (make durations times every journey anew) and commit the file")


def lint(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_actionlint_passes_the_workflows_and_catches_a_wrong_context(tmp_path: Path) -> None:
    assert lint(str(BIN / "actionlint"), "-no-color", *map(str, WORKFLOWS)).returncode == 0
    broken = tmp_path / "nightly.yml"
    broken.write_text((ROOT / ".github/workflows/nightly.yml").read_text().replace("matrix.shard }}", "matrix.shardz }}", 1))
    done = lint(str(BIN / "actionlint"), "-no-color", str(broken))
    assert done.returncode == 1 and "shardz" in done.stdout


def test_the_github_workflow_schema_is_checked_offline_and_catches_a_misspelt_key(tmp_path: Path) -> None:
    """make lint-ci's second check: the GitHub workflow schema vendored in check-jsonschema."""
    check = [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows"]
    assert lint(*check, *map(str, WORKFLOWS)).returncode == 0
    broken = tmp_path / "nightly.yml"
    broken.write_text((ROOT / ".github/workflows/nightly.yml").read_text().replace("runs-on:", "run-on:", 1))
    done = lint(*check, str(broken))
    assert done.returncode == 1 and "run-on" in done.stdout, done.stdout + done.stderr


def test_the_azure_schema_is_checked_offline_and_catches_a_misspelt_key(tmp_path: Path) -> None:
    check = [str(BIN / "check-jsonschema"), "--regex-variant", "nonunicode", "--builtin-schema", "vendor.azure-pipelines"]
    assert lint(*check, str(AZURE)).returncode == 0
    broken = tmp_path / "azure-pipelines.yml"
    broken.write_text(AZURE.read_text().replace("dependsOn: journeys", "dependOn: journeys"))
    assert lint(*check, str(broken)).returncode == 1


@pytest.mark.parametrize(("workers", "test_workers", "half"), [("2", "4", "1"), ("4", "8", "2"), ("1", "2", "1"), ("auto", "auto", "auto"),
                                                              ("logical", "logical", "logical"), ("0", "0", "0")])
def test_the_emulator_tests_get_twice_the_journeys_workers_and_each_mode_half(workers: str, test_workers: str, half: str) -> None:
    """make test runs the emulator tests alone with twice the workers, then the journeys of both modes at once, each with
    half (at least one), then the self-check, shard check, browser-server smoke and CI lint two at a time."""
    planned = subprocess.run(["make", "-s", "-n", "test-emulators", f"WORKERS={workers}", f"VENV={venv_for_make()}"], cwd=ROOT,
                             capture_output=True, text=True, timeout=60, check=True).stdout
    assert re.search(rf"pytest tests -n {test_workers} --dist worksteal$", planned, re.M), planned
    planned = subprocess.run(["make", "-s", "-n", "test", f"WORKERS={workers}", f"VENV={venv_for_make()}"], cwd=ROOT,
                             capture_output=True, text=True, timeout=60, check=True).stdout
    assert f"-j2 --output-sync=target test-journeys test-tenant-mode WORKERS={half}\n" in planned, planned
    assert "-j2 --output-sync=target selfcheck shard-check test-remote-browser lint-ci\n" in planned, planned


def test_the_two_journey_modes_make_test_runs_at_once_keep_their_evidence_apart() -> None:
    """A journey run empties its --output as it starts, and both modes' journeys have the same names: tenant mode's
    evidence goes to a folder of its own, not test-results/, which the local journeys' start empties."""
    planned = {target: subprocess.run(["make", "-s", "-n", target, f"VENV={venv_for_make()}"], cwd=ROOT, capture_output=True, text=True,
                                      timeout=60, check=True).stdout for target in ("test-journeys", "test-tenant-mode")}
    assert "--output test-results-tenant-mode" in planned["test-tenant-mode"] and "--output" not in planned["test-journeys"], planned


def test_the_browser_server_smoke_runs_against_b2c_pages_built_late() -> None:
    """make test's smoke through a browser server meets B2C's pages built 1 s after load (README, Remote browsers): the
    setting is one the run reads (tests/suite/test_settings.py) and the stack then builds them so (tests/b2c)."""
    planned = subprocess.run(["make", "-s", "-n", "test-remote-browser", f"VENV={venv_for_make()}"], cwd=ROOT,
                             capture_output=True, text=True, timeout=60, check=True).stdout
    # ... whose journeys end with the script, however it ends (README: SIGKILL too)
    assert re.search(r"^E2E_STACK_PAGE_BUILD_DELAY=1 \S+ scripts/browser_server.py -- .* e2e -m smoke .*--stop-with-parent", planned, re.M), planned


def test_each_shard_keeps_its_failure_evidence_in_its_own_folder() -> None:
    """pytest-playwright empties its output folder as a run starts: two shards on one machine must not share it."""
    planned = subprocess.run(["make", "-s", "-n", "shard", "SHARD=1", "SHARDS=2", "EVIDENCE_DIR=/tmp/shard-1/test-results", f"VENV={venv_for_make()}"],
                             cwd=ROOT, capture_output=True, text=True, timeout=60, check=True).stdout
    assert '--output "/tmp/shard-1/test-results"' in planned, planned
    assert "--tb=short" in planned, planned  # a CI log of many failures stays readable down to its causes section


def test_the_ci_runs_retry_an_infrastructure_failure_twice() -> None:
    """README, "Retries only for infrastructure": `--infra-reruns N` (CI: 2), in the nightly's shards and the smoke."""
    planned = subprocess.run(["make", "-s", "-n", "shard", f"VENV={venv_for_make()}"], cwd=ROOT, capture_output=True, text=True,
                             timeout=60, check=True).stdout
    assert re.search(r"pytest e2e .*--infra-reruns 2 ", planned, re.S), planned
    # The smoke's recipe calls $(MAKE) (its report), so `make -n smoke` would run it: its recipe is read instead.
    smoke = re.search(r"^smoke:.*?\n\n", (ROOT / "Makefile").read_text(), re.M | re.S)
    assert smoke is not None and "$(PYTEST) e2e -m smoke" in smoke.group() and "--infra-reruns $(INFRA_RERUNS)" in smoke.group()


def test_the_smoke_log_has_short_tracebacks_as_a_shards() -> None:
    """README, CI: a shard's log has short tracebacks (`CI_TRACEBACKS`, as `make smoke`'s). make -n still runs the smoke's
    line that calls $(MAKE) (its report): its shell here is /bin/true, so nothing runs."""
    planned = subprocess.run(["make", "-n", "smoke", f"VENV={venv_for_make()}", "SHELL=/bin/true"], cwd=ROOT, capture_output=True,
                             text=True, timeout=60).stdout
    runs = [line for line in planned.splitlines() if " -m pytest e2e -m smoke" in line]
    assert runs and all("--tb=short" in line for line in runs), planned


def test_make_clean_removes_a_runs_output_and_keeps_the_report_history(tmp_path: Path) -> None:
    """docs/suite.md: ALLURE_HISTORY_PATH is kept by `make clean` (the trend and new/fixed failures need it)."""
    for folder in ("results", "report", ".allure"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "kept-or-not").write_text("x")
    subprocess.run(["make", "-s", "-f", str(ROOT / "Makefile"), "clean", "RESULTS_DIR=results", "REPORT_DIR=report",
                    "ALLURE_HISTORY_PATH=.allure/history.jsonl"], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".allure"]


def test_the_readmes_nightly_on_one_machine_gives_each_shard_folders_of_its_own() -> None:
    """The README's nightly on one machine, as make would run its shards: neither shard writes where the other does (the
    second's pytest-playwright would empty the first's failure evidence, its Allure run the first's results)."""
    readme = (ROOT / "README.md").read_text()
    lines = [line.split()[1:] for line in re.findall(r"^make shard .*$", readme, re.M)]
    assert len(lines) == 2, lines
    planned = [subprocess.run(["make", "-s", "-n", *args, f"VENV={venv_for_make()}"], cwd=ROOT, capture_output=True, text=True,
                              timeout=60, check=True).stdout for args in lines]
    for option in ("--output", "--alluredir=", "--junitxml="):
        places = [re.findall(rf'{option}\s?"([^"]+)"', plan) for plan in planned]
        assert all(len(found) == 1 for found in places) and places[0] != places[1], (option, places)


# A pipeline set up for tenant mode as the README says (pipeline variables), and the rest of the settings that describe a tenant.
TENANT_PIPELINE = {
    "E2E_TARGET": "tenant", "B2C_TENANT": "fabrikam", "B2C_DOMAIN": "login.fabrikam.com", "B2C_POLICIES": "B2C_1A_fabrikam_susi",
    "B2C_CLIENT_ID": "0f1e2d3c-aaaa-bbbb-cccc-000000000001", "B2C_REDIRECT_URI": "https://app.fabrikam.com/signed-in",
    "B2C_USER_FLOW_IDP_NAME": "Swiss Mobile ID", "B2C_LANGUAGE_CUSTOMIZATION": "off", "E2E_TOKEN_CONTRACT": "name,idp,tid,extension_tier",
    "E2E_HOST_MAP": "openid.mobileid.ch=10.0.0.5:443", "E2E_CA_FILE": "/etc/fabrikam-ca.pem", "E2E_BROWSER_PROXY": "http://proxy.fabrikam.com:3128",
    "MOBILEID_MODE": "real",
    "MOBILEID_CONTROL_URL": "https://mobileid-emulator.fabrikam.com/control", "MOBILEID_ROBOTS": "busy=+41000092406",
    "MOBILEID_TEST_NUMBER": "+41791234567", "MOBILEID_CLIENT_ID": "fabrikam-b2c", "MOBILEID_METADATA_URL": "https://idp.fabrikam.com/.well-known/openid-configuration",
    "MOBILEID_SCOPE": "openid mid_profile", "MOBILEID_RESPONSE_MODE": "query", "MOBILEID_TECHNICAL_PROFILE": "Fabrikam-MobileID",
}


# Settings that mean the same in a local run and a tenant run (how the browser runs, what the run checks): kept.
RUN_CHOICES = {"E2E_BROWSER_EXPOSE_NETWORK", "E2E_BROWSER_LOCALE", "E2E_BROWSER_WS_ENDPOINT", "E2E_BROWSER_WS_HEADERS",
               "E2E_IDP_BACKCHANNEL_BUDGET", "E2E_PREFLIGHT", "E2E_STACK_FAULTS", "E2E_STACK_PAGE_BUILD_DELAY", "E2E_STACK_POLICIES",
               "E2E_STACK_POLICY_KEYS", "E2E_STACK_PAGE_CONTENT", "E2E_STACK_USER_FLOWS",
               "E2E_UI_LOCALES", "MOBILEID_APPROVAL_TIMEOUT", "MOBILEID_APPROVAL_WEBHOOK"}


def suite_settings() -> set[str]:
    """Every setting the suite reads (fixtures/settings.py and its plugin)."""
    source = "".join((ROOT / "fixtures" / name).read_text() for name in ("settings.py", "settings_plugin.py"))
    return set(re.findall(r'"((?:B2C|E2E|MOBILEID)_[A-Z0-9_]*[A-Z0-9])"', source)) - {"B2C_1A"}


def test_the_azure_pull_request_jobs_run_locally_whatever_tenant_the_pipeline_describes() -> None:
    """Azure hands every pipeline variable to every job as an environment variable: the pull-request stage's own
    variables (which win over the pipeline's) must make the run a clean local run."""
    from fixtures.settings import TENANT_ONLY, build_settings
    from tests.local_stack import LOCAL_STACK

    stages = YAML(typ="safe").load(AZURE.read_text())["stages"]
    pull_request = only([stage for stage in stages if stage["stage"] == "pull_request"], "pull_request stage", "azure-pipelines.yml")
    stage_variables = {name: str(value) for name, value in pull_request["variables"].items()}
    assert set(TENANT_ONLY) <= set(stage_variables), "a setting only a tenant run takes is not blanked for the pull request"
    assert set(TENANT_PIPELINE) <= set(stage_variables), "a setting that describes the tenant is not blanked for the pull request"
    undecided = suite_settings() - set(stage_variables) - RUN_CHOICES
    assert not undecided, f"blank {sorted(undecided)} in the pull-request stage, or add them to RUN_CHOICES if a local run keeps them"
    assert "E2E_TARGET" in suite_settings() and "B2C_TENANT" in suite_settings()  # the reading of the settings still finds them
    for job in pull_request["jobs"]:
        assert "variables" not in job, f"{job['job']}: its own variables would need the same blanks"
    assert build_settings({**TENANT_PIPELINE, **stage_variables}, LOCAL_STACK) == build_settings({"E2E_TARGET": "local"}, LOCAL_STACK)
    # The nightly's local shards too: a pipeline that describes its tenant for the smoke still runs them on the local stack.
    nightly = only([stage for stage in stages if stage["stage"] == "nightly"], "nightly stage", "azure-pipelines.yml")
    journeys = only([job for job in nightly["jobs"] if job["job"] == "journeys"], "journeys job", "azure-pipelines.yml nightly")
    local = only([step for step in journeys["steps"] if "local stack" in step.get("displayName", "")], "local shard step", "the nightly's journeys")
    assert {name: str(value) for name, value in local.get("env", {}).items()} == {k: v for k, v in stage_variables.items() if k != "E2E_TARGET"}, \
        "the nightly's local shard step must blank what the pull-request stage blanks (but E2E_TARGET, the pipeline's own)"
    # The README says so, rather than have a team blank them in the nightly stage (which has no variables of its own).
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert "variables" not in nightly and "the nightly's local shard step blanks the tenant's settings in its own `env`" in readme


def azure_nightly_shard_env(variables: dict[str, str]) -> dict[str, str]:
    """What Azure's nightly shard step that runs gets, with the pipeline's plain ``variables`` (each reaches every step's
    environment): the tenant step where E2E_TARGET is tenant (Azure's eq ignores case), else the local one."""
    nightly = next(stage for stage in YAML(typ="safe").load(AZURE.read_text())["stages"] if stage["stage"] == "nightly")
    journeys = only([job for job in nightly["jobs"] if job["job"] == "journeys"], "journeys job", "azure-pipelines.yml nightly")
    shards = {("tenant" if "eq(variables['E2E_TARGET'], 'tenant')" in step["condition"] else "local"): step
              for step in journeys["steps"] if str(step.get("script", "")).startswith("make shard")}
    assert "ne(variables['E2E_TARGET'], 'tenant')" in shards["local"]["condition"]
    step = shards["tenant" if variables.get("E2E_TARGET", "").lower() == "tenant" else "local"]
    return {**variables, **{name: azure_macros(str(value), variables) for name, value in step.get("env", {}).items()}}


@pytest.mark.parametrize("target", ["tenent", "prod", "tenant-mode"])
def test_an_azure_nightly_whose_e2e_target_is_mistyped_stops_naming_it_rather_than_going_green_locally(target: str) -> None:
    """README: E2E_TARGET=tenant makes tenant mode a must, and GitHub's nightly hands a mistyped repository variable to the
    run, which refuses it. Azure's local shard step set E2E_TARGET=local over any value but tenant, so a pipeline with
    E2E_TARGET=tenent had a green night of the local stack, every tenant setting blanked, and nothing said."""
    from tests.local_stack import LOCAL_STACK

    tenant = {name: value for name, value in TENANT_PIPELINE.items() if name != "E2E_TARGET"}  # the smoke's tenant
    with pytest.raises(SettingsError, match=f"E2E_TARGET='{target}' is not valid"):
        build_settings(azure_nightly_shard_env({**tenant, "E2E_TARGET": target}), LOCAL_STACK)
    # Unset, or local, it stays the clean local night the README says (the tenant's settings blanked).
    for variables in (tenant, {**tenant, "E2E_TARGET": "Local"}):
        assert build_settings(azure_nightly_shard_env(variables), LOCAL_STACK) == build_settings({"E2E_TARGET": "local"}, LOCAL_STACK)
    assert azure_nightly_shard_env({**tenant, "E2E_TARGET": "Tenant"})["B2C_TENANT"] == TENANT_PIPELINE["B2C_TENANT"]


def test_the_azure_pull_request_stages_blanks_leave_its_fast_tests_green() -> None:
    """The pull-request stage's variables reach its fast_tests job too (make test-emulators: pytest tests): the tests that
    read settings from the environment and a .env pass with every tenant setting set blank there, as on GitHub, where
    none is set. (A test that read the stage's blank MOBILEID_CONTROL_URL over its own .env's failed every pull request.)"""
    stages = YAML(typ="safe").load(AZURE.read_text())["stages"]
    pull_request = only([stage for stage in stages if stage["stage"] == "pull_request"], "pull_request stage", "azure-pipelines.yml")
    env = {name: value for name, value in os.environ.items() if not name.startswith(("PYTEST_XDIST", "PYTEST_CURRENT_TEST"))}
    env.update({name: str(value) for name, value in pull_request["variables"].items()}, TF_BUILD="True")
    ran = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0", "tests/suite/test_settings.py",
                          "tests/mobileid/test_settings.py", "tests/mobileid/test_settings_readme.py"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0, tail(ran.stdout, 3000) + tail(ran.stderr, 1000)


@pytest.mark.parametrize(("layout", "expected"), [
    (["allure-results-1", "allure-results-3"], ["allure-results-1", "allure-results-3"]),
    # Azure's: each attempt of a shard's job under a name of its own; the latest is the shard's
    (["allure-results-1-attempt-1", "allure-results-2-attempt-1", "allure-results-2-attempt-2", "allure-results-10-attempt-1"],
     ["allure-results-1-attempt-1", "allure-results-10-attempt-1", "allure-results-2-attempt-2"]),
    ([""], [""]),  # one artifact matched: GitHub extracts it flat into shards/
    (["logs"], []),  # nothing downloaded that has results
])
def test_make_merge_results_finds_the_shards_as_ci_downloads_them_and_expects_their_number(
        tmp_path: Path, layout: list[str], expected: list[str]) -> None:
    from scripts.merge_results import downloaded_shards, missing_shards

    shards = tmp_path / "the shards"  # a space in a path (make's wildcard would split it)
    for folder in layout:
        (shards / folder).mkdir(parents=True, exist_ok=True)
        if folder != "logs":
            (shards / folder / "0-result.json").write_text("{}")
    found, left_out = downloaded_shards(shards)
    assert found == [shards / folder for folder in expected]
    assert left_out == (["allure-results-2-attempt-1 left out: allure-results-2-attempt-2 is a later attempt of its job"]
                        if "allure-results-2-attempt-2" in layout else [])
    if "allure-results-2-attempt-2" in layout:  # shard K by its name, whatever its attempt
        assert [shard.words for shard in missing_shards(found, 11)] == [f"shard {number} of 11" for number in (*range(3, 10), 11)]
    planned = subprocess.run(["make", "-s", "-n", "merge-results", "EXPECT_SHARDS=4", f"SHARDS_DIR={shards}", f"VENV={venv_for_make()}"],
                             cwd=ROOT, capture_output=True, text=True, timeout=60, check=True).stdout
    assert f'merge_results.py --shards-in "{shards}" --into' in planned and planned.strip().endswith("--expect 4"), planned
    named = subprocess.run(["make", "-s", "-n", "merge-results", "SHARD_RESULTS=one two", f"VENV={venv_for_make()}"],
                           cwd=ROOT, capture_output=True, text=True, timeout=60, check=True).stdout
    assert "merge_results.py one two --into" in named and "--shards-in" not in named, named  # the README's other way


def test_a_hung_shard_fails_its_step_before_the_job_times_out_so_its_evidence_is_uploaded() -> None:
    """A job's own time limit cancels it, and the uploads that keep a failed shard's results and traces run only after a
    failure, not a cancellation: the shard's step has a shorter limit of its own, on both platforms."""
    journeys = workflow("nightly.yml")["jobs"]["journeys"]
    shard = only([step for step in journeys["steps"] if step.get("run") == "make shard"], "`make shard` step", "nightly.yml journeys")
    assert 0 < int(shard["timeout-minutes"]) < int(journeys["timeout-minutes"])
    azure = {job["job"]: job for stage in YAML(typ="safe").load(AZURE.read_text())["stages"] for job in stage["jobs"]}
    steps = [step for step in azure["journeys"]["steps"] if str(step.get("script", "")).startswith("make shard")]
    assert steps and all(0 < int(step["timeoutInMinutes"]) < int(azure["journeys"]["timeoutInMinutes"]) for step in steps), steps


def test_every_journey_step_stops_before_its_job_so_its_evidence_is_kept() -> None:
    """Every step that runs journeys (the nightly's shards, the tenant smoke, the pull request's smoke), on both platforms:
    a job's own time limit cancels it, and its uploads of the report, traces and screenshots then do not run."""
    found = []
    for path in WORKFLOWS:
        for name, job in workflow(path.name)["jobs"].items():
            for step in job["steps"]:
                if str(step.get("run", "")).startswith(("make smoke", "make shard")):
                    found.append(f"{path.name} {name}: {step.get('timeout-minutes')} < {job['timeout-minutes']}")
                    assert 0 < int(step.get("timeout-minutes", 0)) < int(job["timeout-minutes"]), found[-1]
    for stage in YAML(typ="safe").load(AZURE.read_text())["stages"]:
        for job in stage["jobs"]:
            for step in job["steps"]:
                if str(step.get("script", "")).startswith(("make smoke", "make shard")):
                    found.append(f"azure {job['job']}: {step.get('timeoutInMinutes')} < {job['timeoutInMinutes']}")
                    assert 0 < int(step.get("timeoutInMinutes", 0)) < int(job["timeoutInMinutes"]), found[-1]
    assert len(found) == 7, found  # GitHub: nightly, smoke, pull request; Azure: pull request, two shard steps, tenant smoke


def test_every_github_upload_can_be_made_again_by_a_job_re_run() -> None:
    """upload-artifact v4 and later refuse a name a run already has, and a re-run job is the same run: without
    overwrite, "Re-run failed jobs" on a red shard fails at its upload and the report keeps the first attempt's results."""
    uploads = [(path.name, step) for path in WORKFLOWS for job in YAML(typ="safe").load(path.read_text())["jobs"].values()
               for step in job["steps"] if str(step.get("uses", "")).startswith("actions/upload-artifact")]
    assert uploads and all(step["with"].get("overwrite") is True for _, step in uploads), uploads


def test_every_azure_artifact_can_be_published_again_by_a_job_run_again() -> None:
    """Azure keeps every artifact name a run published, and a job run again ("Rerun failed jobs") is the same run: an
    artifact named without the job's attempt would fail its publish, and the report would keep the first attempt's."""
    published = [step["inputs"]["artifact"] for stage in YAML(typ="safe").load(AZURE.read_text())["stages"] for job in stage["jobs"]
                 for step in job["steps"] if step.get("task") == "PublishPipelineArtifact@1"]
    assert published and all(name.endswith("-attempt-$(System.JobAttempt)") for name in published), published


def smoke_jobs() -> dict[str, list[str]]:
    """Every job of either platform that runs ``make smoke`` -> the folders it keeps (GitHub's upload paths, Azure's
    published target paths)."""
    kept: dict[str, list[str]] = {}
    for path in WORKFLOWS:
        for name, job in (workflow(path.name).get("jobs") or {}).items():
            if "make smoke" in commands(job):
                kept[f"{path.name} {name}"] = [folder.strip().rstrip("/") for step in job["steps"]
                                               if str(step.get("uses", "")).startswith("actions/upload-artifact")
                                               for folder in step["with"]["path"].split()]
    for stage in YAML(typ="safe").load(AZURE.read_text())["stages"]:
        for job in stage["jobs"]:
            if "make smoke" in commands(job):
                kept[f"{AZURE.name} {job['job']}"] = [step["inputs"]["targetPath"].split("/")[-1] for step in job["steps"]
                                                      if step.get("task") == "PublishPipelineArtifact@1"]
    return kept


def test_every_smoke_keeps_its_report_results_and_evidence_on_both_platforms() -> None:
    """A smoke's Allure results are kept beside its report and evidence on GitHub and Azure alike: a report rendered
    again with the team's history, or merged with another run's, needs them (Azure's tenant smoke kept the report only)."""
    kept = smoke_jobs()
    assert len(kept) == 4, kept  # GitHub's pull request and pre-release smoke, Azure's pull request and tenant smoke
    assert all({"allure-report", "allure-results", "test-results"} <= set(folders) for folders in kept.values()), kept


def azure_template(mapping: dict, parameters: dict[str, str]) -> dict[str, str]:
    """A mapping after Azure's template expressions, for the shapes the pipeline uses: ``${{ parameters.X }}`` values,
    ``${{ if eq(parameters.X, 'V') }}`` and ``${{ else }}`` keys (another shape fails, named)."""
    out: dict[str, str] = {}
    taken = False
    for key, value in mapping.items():
        if condition := re.fullmatch(r"\$\{\{ if eq\(parameters\.(\w+), '(\w+)'\) \}\}", key):
            taken = parameters[condition.group(1)] == condition.group(2)
            out.update(azure_template(value, parameters) if taken else {})
        elif key == "${{ else }}":
            out.update({} if taken else azure_template(value, parameters))
        elif parameter := re.fullmatch(r"\$\{\{ parameters\.(\w+) \}\}", str(value)):
            out[key] = parameters[parameter.group(1)]
        else:
            assert "${{" not in f"{key}{value}", f"an expression this test cannot read: {key}: {value}"
            out[key] = str(value)
    return out


def azure_macros(value: str, variables: dict[str, str]) -> str:
    """``$(NAME)`` replaced by the variable's value; one nobody defined stays the text ``$(NAME)``, as Azure leaves it."""
    return re.sub(r"\$\((\w+)\)", lambda macro: variables.get(macro.group(1), macro.group(0)), value)


def test_azures_manual_smoke_runs_against_the_tenant_with_the_deployed_emulator_or_the_real_service() -> None:
    """Azure's pre-release smoke: a manual run with run=smoke, never on the schedule (whose run takes the defaults: the
    nightly). A pipeline set up for the nightly's deployed emulator (its variables reach every job; secret variables
    only through a step's env, and one nobody defined arrives as the text "$(NAME)") runs it with either Mobile ID."""
    pipeline = YAML(typ="safe").load(AZURE.read_text())
    parameters = {p["name"]: p for p in pipeline["parameters"]}
    assert (parameters["run"]["default"], parameters["run"]["values"], parameters["mobileId"]["values"]) == (
        "nightly", ["nightly", "smoke"], ["emulator", "real"])
    stages = {stage["stage"]: stage for stage in pipeline["stages"]}
    assert "eq('${{ parameters.run }}', 'nightly')" in stages["nightly"]["condition"]
    assert "eq('${{ parameters.run }}', 'smoke')" in stages["smoke"]["condition"]
    job = only(stages["smoke"]["jobs"], "job", "azure-pipelines.yml smoke stage")
    run = only([step for step in job["steps"] if step.get("script") == "make smoke"], "`make smoke` step", "azure-pipelines.yml smoke")
    plain = {"E2E_TARGET": "local", "B2C_TENANT": "fabrikam", "B2C_POLICIES": "B2C_1_susi", "B2C_CLIENT_ID": "5ca1ab1e-0000-4000-8000-00000000c0de",
             "MOBILEID_CONTROL_URL": "https://mid.fabrikam.test/control", "MOBILEID_METADATA_URL": "https://mid.fabrikam.test/.well-known/openid-configuration"}
    secret = {"MOBILEID_CONTROL_TOKEN": "s3cr3t", "MOBILEID_TEST_NUMBER": "+41791234567", "MOBILEID_APPROVAL_WEBHOOK": "https://chat.fabrikam.test/hook"}
    for mode, defined in (("emulator", secret), ("real", secret), ("real", {"MOBILEID_TEST_NUMBER": "+41791234567"})):
        chosen = {"run": "smoke", "mobileId": mode}
        step_env = {name: azure_macros(value, {**plain, **defined}) for name, value in azure_template(run["env"], chosen).items()}
        settings = build_settings({**plain, **azure_template(stages["smoke"]["variables"], chosen), **step_env})
        assert (settings.target, settings.mobileid_mode) == ("tenant", mode)
        if mode == "emulator":
            assert (settings.control_url, settings.control_token) == (plain["MOBILEID_CONTROL_URL"], "s3cr3t")
        else:  # the real service's discovery, the person's phone, the webhook if one is defined
            assert (settings.control_url, settings.test_number, settings.idp_metadata_url) == (
                None, "+41791234567", "https://openid.mobileid.ch/.well-known/openid-configuration")
            assert settings.approval_webhook == defined.get("MOBILEID_APPROVAL_WEBHOOK")


def test_make_repro_says_the_repros_own_exit_status(tmp_path: Path) -> None:
    """make exits 2 whenever a recipe fails: the recipe prints the repro's own status (5: the network stopped it)."""
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\nexit 5\n")
    fake.chmod(0o755)
    # -o setup: the recipe alone, with the stand-in (set-up would run it too, were a marker out of date)
    ran = subprocess.run(["make", "-s", "-o", "setup", "repro", f"BIN={tmp_path}", f"VENV={venv_for_make()}"], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert ran.returncode == 2 and "repro: exit status 5 (python -m repro --help says what it means" in ran.stderr, ran.stderr


def test_make_repro_from_elsewhere_runs_the_repro_in_the_suites_folder(tmp_path: Path) -> None:
    """README: from elsewhere, `make -C <suite> repro ARGS=...`, whose relative --out is then the suite's (the repro takes
    --out from the folder it runs in: tests/repro_command/test_arguments.py)."""
    fake = tmp_path / "python"
    fake.write_text('#!/bin/sh\necho "in $(pwd): $*"\n')
    fake.chmod(0o755)
    ran = subprocess.run(["make", "-s", "-C", str(ROOT), "-o", "setup", "repro", f"BIN={tmp_path}", f"VENV={venv_for_make()}", "ARGS=--out bundles"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0 and ran.stdout == f"in {ROOT}: -m repro --out bundles\n", (ran.stdout, ran.stderr)


@pytest.mark.parametrize(("target", "steps"), [
    ("report", ["generate", "scripts/offline_report.py", "scripts/report_landing.py"]),
    ("nightly-report", ["scripts/report_history.py", "generate", "scripts/offline_report.py", "scripts/report_landing.py", "scripts/notify.py"]),
])
def test_the_report_targets_take_allures_analytics_out_after_rendering(target: str, steps: list[str]) -> None:
    """What the README promises of both targets, in order: the night's history put back before the render (a rerun counts
    its night once), then Allure's tag manager taken out of the page it rendered, then the message."""
    planned = subprocess.run(["make", "-s", "-n", target, f"VENV={venv_for_make()}"], cwd=ROOT, capture_output=True, text=True,
                             timeout=60, check=True).stdout
    places = [planned.find(step) for step in steps]
    assert -1 not in places and places == sorted(places), (steps, places, planned)


def test_the_nightly_runs_every_shard_and_keeps_each_shards_results_whatever_another_did() -> None:
    """README, CI: each shard runs its own part of the journeys (a shard number pinned in the definitions would run one
    part four times and the merged report, counting the copies as retries, be green), no shard cancels the others, each
    uploads under its own name even when it failed or hung, and the report and gate run after a red shard; Azure's
    likewise, its history cache keyed per run so it is saved every night."""
    nightly = workflow("nightly.yml")
    journeys, report = nightly["jobs"]["journeys"], nightly["jobs"]["report"]
    assert (journeys["env"]["SHARD"], journeys["env"]["SHARDS"]) == ("${{ matrix.shard }}", "${{ strategy.job-total }}")
    assert journeys["strategy"]["fail-fast"] is False and nightly["concurrency"]["cancel-in-progress"] is False
    assert nightly["on"]["schedule"] and nightly["permissions"] == {"contents": "read"}
    uploads = [step for step in journeys["steps"] if str(step.get("uses", "")).startswith("actions/upload-artifact")]
    assert len(uploads) == 2 and all(step["if"] == "${{ !cancelled() }}" and "${{ matrix.shard }}" in step["with"]["name"] for step in uploads)
    assert report["if"] == "${{ !cancelled() }}"
    stage = next(stage for stage in YAML(typ="safe").load(AZURE.read_text())["stages"] if stage["stage"] == "nightly")
    jobs = {job["job"]: job for job in stage["jobs"]}
    shards = [step for step in jobs["journeys"]["steps"] if str(step.get("script", "")).startswith("make shard")]
    assert len(shards) == 2 and all(step["script"] == "make shard SHARD=$(System.JobPositionInPhase) SHARDS=$(System.TotalJobsInPhase)"
                                    and step["condition"].startswith("and(succeeded(), ") for step in shards)
    tenant = only([step for step in shards if "eq(variables['E2E_TARGET'], 'tenant')" in step["condition"]], "tenant shard step", "azure")
    assert tenant["env"] == {"MOBILEID_CONTROL_TOKEN": "$(MOBILEID_CONTROL_TOKEN)"}
    publishes = [step for step in jobs["journeys"]["steps"] if step.get("task") == "PublishPipelineArtifact@1"]
    assert len(publishes) == 2 and all(step["condition"] == "succeededOrFailed()" and "$(System.JobPositionInPhase)" in step["inputs"]["artifact"]
                                       for step in publishes)
    cache = only([step for step in jobs["report"]["steps"] if step.get("task") == "Cache@2" and step["inputs"]["path"].endswith("/.allure")],
                 "history Cache@2", "azure report")
    assert '"$(Build.BuildId)"' in cache["inputs"]["key"]
    # Its report's publishes: with issues, not failed, when there is nothing to publish (the job's success saves the history).
    report_publishes = [step for step in jobs["report"]["steps"] if step.get("task") == "PublishPipelineArtifact@1"]
    assert len(report_publishes) == 2 and all(step.get("continueOnError") is True for step in report_publishes)


def test_the_smoke_and_the_pull_request_run_what_the_readme_says_within_their_limits() -> None:
    """The pre-release smoke one run at a time (a person's phone), its step's limit under its job's so its evidence is
    kept; a pull request lints, tests, lints the CI definitions and runs the smoke against the local stack."""
    smoke = workflow("smoke.yml")
    assert smoke["concurrency"] == {"group": "pre-release-smoke", "cancel-in-progress": False}
    for job in smoke["jobs"].values():
        step = only([step for step in job["steps"] if step.get("run") == "make smoke"], "`make smoke` step", "smoke.yml")
        assert (step["timeout-minutes"], job["timeout-minutes"]) == (25, 30)  # the README quotes them, against MOBILEID_APPROVAL_TIMEOUT
    pull_request = workflow("pull-request.yml")
    runs = {step.get("run") for job in pull_request["jobs"].values() for step in job["steps"]}
    assert {"make lint", "make test-emulators", "make lint-ci", "make smoke"} <= runs
    assert pull_request["jobs"]["smoke"]["env"]["E2E_TARGET"] == "local"
    stage = next(stage for stage in YAML(typ="safe").load(AZURE.read_text())["stages"] if stage["stage"] == "smoke")
    for job in stage["jobs"]:
        step = only([step for step in job["steps"] if step.get("script") == "make smoke"], "`make smoke` step", "azure smoke")
        assert int(step["timeoutInMinutes"]) < int(job["timeoutInMinutes"])


def test_every_runner_image_is_pinned() -> None:
    """README, CI: a new runner image comes by a commit, not by a night (``*-latest`` moves under the pipeline): the
    image, the Python and the nightly's time the README names, on both platforms."""
    readme = " ".join((ROOT / "README.md").read_text().split())
    pinned = re.search(r"Their runners are pinned to Ubuntu [\d.]+ \(`(ubuntu-[\d.]+)`\).*?and Python to ([\d.]+) by `setup-python`", readme)
    at = re.search(r"`nightly\.yml` \((\d\d):(\d\d) UTC, or by hand\); Azure's schedule", readme)
    assert pinned and at, "README, CI: the pinned image, Python and the nightly's time"
    images = [f"{path.name}: {name}: {job['runs-on']}" for path in WORKFLOWS for name, job in workflow(path.name)["jobs"].items() if "runs-on" in job]
    azure = YAML(typ="safe").load(AZURE.read_text())
    images += [f"azure-pipelines.yml: {image}" for image in values_of(azure, ("vmImage",))]  # its pool, any job's own
    assert len(images) >= 5, images
    assert [image for image in images if not image.endswith(f": {pinned.group(1)}")] == []
    pythons = [step["with"]["python-version"] for path in WORKFLOWS for job in workflow(path.name)["jobs"].values()
               for step in job.get("steps", []) if str(step.get("uses", "")).startswith("actions/setup-python")]
    pythons += [task["inputs"]["versionSpec"] for task in tasks(azure) if task.get("task", "").startswith("UsePythonVersion")]
    assert len(pythons) >= 5 and set(pythons) == {pinned.group(2)}, pythons
    minute, hour = int(at.group(2)), int(at.group(1))
    crons = [entry["cron"] for entry in workflow("nightly.yml")["on"]["schedule"]] + [entry["cron"] for entry in azure["schedules"]]
    assert crons == [f"{minute} {hour} * * *"] * 2, crons


def tasks(node: object) -> list[dict]:
    """Every step of an Azure definition that is a task (``- task: Name@N``), as data."""
    if isinstance(node, list):
        return [task for item in node for task in tasks(item)]
    if isinstance(node, dict):
        return ([node] if "task" in node else []) + [task for value in node.values() for task in tasks(value)]
    return []


def test_ci_runs_make_test_on_a_clean_checkout() -> None:
    """README: `.ci/run` is `make test` (on a clean checkout, no input)."""
    run = ROOT / ".ci" / "run"
    commands = [line.strip() for line in run.read_text().splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert run.stat().st_mode & 0o111 and commands[0] == "set -euo pipefail" and commands[-1] == "make test", commands


def test_a_nightly_without_b2c_tenant_runs_locally_whatever_other_tenant_secrets_the_repository_has() -> None:
    """README: without the secret B2C_TENANT (and the variable E2E_TARGET) the nightly runs against the local stack, which
    refuses settings that describe a tenant: its journeys get the tenant's settings only on a tenant night (the workflow's
    target, worked out again where a job cannot read it). Gated on the variable alone, a repository with the other
    secrets but no B2C_TENANT (one not yet added, or removed) had a red night."""
    from tests.local_stack import LOCAL_STACK

    env = nightly_shard_env({}, {name: value for name, value in NIGHTLY_SECRETS.items() if name != "B2C_TENANT"})
    assert env["E2E_TARGET"] == "local" and not any(env.get(name) for name in NIGHTLY_SECRETS), env
    assert build_settings(env, LOCAL_STACK).target == "local"
    # The variable still makes tenant mode a must: the missing secret is then named by the settings check.
    env = nightly_shard_env({"E2E_TARGET": "tenant"}, {name: value for name, value in NIGHTLY_SECRETS.items() if name != "B2C_TENANT"})
    assert env["E2E_TARGET"] == "tenant" and env["B2C_CLIENT_ID"] == NIGHTLY_SECRETS["B2C_CLIENT_ID"] and not env["B2C_TENANT"]
    with pytest.raises(SettingsError, match="B2C_TENANT"):
        build_settings(env)


def test_the_tenant_runs_get_the_repositorys_policy_files_and_the_pull_requests_do_not() -> None:
    """README: the repository variable (Azure: the pipeline variable) B2C_POLICY_FILES names the team's policy files for
    the tenant nightly and smoke; Azure's pull-request stage, which runs locally, blanks it with the other tenant settings."""
    nightly = nightly_shard_step()["env"]["B2C_POLICY_FILES"]
    assert nightly == "${{ env.E2E_TARGET == 'tenant' && vars.B2C_POLICY_FILES || '' }}", nightly
    assert workflow("smoke.yml")["jobs"]["smoke"]["env"]["B2C_POLICY_FILES"] == "${{ vars.B2C_POLICY_FILES }}"
    stages = YAML(typ="safe").load(AZURE.read_text())["stages"]
    pull_request = only([stage for stage in stages if stage["stage"] == "pull_request"], "pull_request stage", "azure-pipelines.yml")
    assert pull_request["variables"]["B2C_POLICY_FILES"] == "", pull_request["variables"]


def test_make_serve_keeps_its_ca_where_the_env_example_points_a_run_at_it() -> None:
    """A stack started by hand (`make serve`) and a tenant-mode run against it through `.env`: .env.example's E2E_CA_FILE
    is `.stack/ca.pem`, a stack started with `--state-dir .stack`. `make serve` kept its CA in a new temp folder at every
    start, so the copied setting named no file, and the next start's CA was another."""
    [ca_file] = re.findall(r"^#?E2E_CA_FILE=(.+)$", (ROOT / ".env.example").read_text(), re.M)
    shown = subprocess.run(["make", "-n", "-s", "-f", str(ROOT / "Makefile"), "serve", "-o", "setup"], cwd=ROOT,
                           capture_output=True, text=True, timeout=60).stdout
    state_dir = re.search(r"--state-dir (\S+)", shown)
    assert state_dir and Path(state_dir.group(1).strip("\"'")) / "ca.pem" == Path(ca_file), shown


def readmes_nightly() -> str:
    """The commands of README's "The nightly on one machine"."""
    block = re.search(r"^The nightly on one machine\b[^\n]*:\n\n```\n(.*?)^```", (ROOT / "README.md").read_text(), re.M | re.S)
    assert block, "README: no 'The nightly on one machine' block"
    return block.group(1)


def test_the_readmes_nightly_on_one_machine_runs_again_as_written() -> None:
    """The merge refuses a folder that is not empty (never two nights in one report): the block removes the folder it
    merges into first, or its second night stopped at `make merge-results`."""
    block = readmes_nightly()
    merged_into = re.search(r"make merge-results RESULTS_DIR=(\S+)", block)
    assert merged_into and f"rm -rf {merged_into[1]}\n" in block, block
    assert block.index(f"rm -rf {merged_into[1]}\n") < block.index("make merge-results"), block


def test_the_folders_the_readmes_nightly_on_one_machine_writes_are_git_ignored() -> None:
    """README's "The nightly on one machine": what its commands write (RESULTS_DIR, JUNIT, EVIDENCE_DIR, the report) must
    not show up in `git status` as dozens of untracked result files, a commit away from the repository."""
    written = sorted({value for value in re.findall(r"\b(?:RESULTS_DIR|JUNIT|EVIDENCE_DIR|REPORT_DIR)=(\S+)", readmes_nightly())})
    assert written
    probes = [f"{path}/probe-result.json" if not path.endswith(".xml") else path for path in written]
    ignored = subprocess.run(["git", "check-ignore", "--no-index", *probes], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert sorted(set(probes) - set(ignored)) == [], written


def test_make_help_lists_every_target_the_readme_names() -> None:
    """`make` alone prints the help: a newcomer's list of what to run. README's "Day one against your tenant" runs
    `make preflight`, `make smoke` and `make e2e`; the help left out the pre-release smoke, and later the nightly's steps,
    make test's parts, `make setup` and `make clean`."""
    readme = (ROOT / "README.md").read_text()
    day_one = re.search(r"^Day one against your tenant, in order:\n(.*?)\n\n", readme, re.M | re.S)
    assert day_one
    targets = sorted(set(re.findall(r"`make ([a-z-]+)", day_one.group(1))))
    assert "smoke" in targets
    shown = subprocess.run(["make", "-s", "-f", str(ROOT / "Makefile"), "help"], cwd=ROOT, capture_output=True, text=True,
                           timeout=60).stdout
    listed = set(re.findall(r"^make ([a-z-]+)", shown, re.M))
    assert [target for target in targets if target not in listed] == [], shown
    # and every target the README names anywhere (the nightly's steps, make test's parts, make clean) is named in it
    named = set(re.findall(r"\bmake ([a-z][a-z-]*)", shown))
    in_readme = set(re.findall(r"`make ([a-z][a-z-]*)", readme)) | {"clean"}
    makefile = set(re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text(), re.M))
    assert sorted(in_readme & makefile - named) == [], shown


def test_both_platforms_keep_the_nights_merged_results_beside_its_report() -> None:
    """The nightly's report job on GitHub keeps what Azure's keeps: the report, and the merged results it was rendered from
    (another renderer, or a look at one journey's result files, needs them; the shards' own artifacts hold each shard's only)."""
    report = workflow("nightly.yml")["jobs"]["report"]
    kept = {step["with"]["name"]: step["with"]["path"] for step in report["steps"] if str(step.get("uses", "")).startswith("actions/upload-artifact")}
    assert kept == {"allure-report": "allure-report/", "merged-allure-results": "allure-results/"}, kept
    azure = [step["inputs"]["artifact"] for stage in YAML(typ="safe").load(AZURE.read_text())["stages"] for job in stage["jobs"]
             if job["job"] == "report" for step in job["steps"] if step.get("task") == "PublishPipelineArtifact@1"]
    assert sorted(name.removesuffix("-attempt-$(System.JobAttempt)") for name in azure) == sorted(kept), azure


# The make targets whose recipes set up a browser (their prerequisite `setup`) or run npm ci (the report's Allure CLI, the
# HTML report's tests): the jobs running them download those, so they restore the caches first.
def targets_needing(prerequisite: str) -> set[str]:
    makefile = (ROOT / "Makefile").read_text()
    return {target for line in re.findall(rf"^([a-z][a-z0-9 -]*):[^=\n]*\b{re.escape(prerequisite)}\b", makefile, re.M) for target in line.split()}


NPM_TARGETS = {"test-emulators", "smoke", "nightly-report", "e2e", "report"}


def make_targets(steps: list[dict], key: str) -> list[str]:
    """The make target of each step that runs one (None for the others), in order."""
    return [match.group(1) if (match := re.match(r"make ([a-z-]+)", str(step.get(key, "")))) else "" for step in steps]


def test_every_job_restores_pips_npms_and_playwrights_downloads_keyed_on_their_pins_before_it_needs_them() -> None:
    """README, CI (what is cached): pip's download cache keyed on requirements.txt, npm's on package-lock.json, Playwright's
    browsers on the runner's OS release and the pinned Playwright (make browser-cache-key), each restored before the
    first step that would download them, on both platforms; every job that sets up Python caches pip's downloads."""
    browser_targets = targets_needing("setup")
    assert {"test-emulators", "smoke", "shard"} <= browser_targets, browser_targets
    checked = []
    for path in WORKFLOWS:
        for name, job in workflow(path.name)["jobs"].items():
            steps, where = job["steps"], f"{path.name} {name}"
            targets = make_targets(steps, "run")
            for step in steps:
                if str(step.get("uses", "")).startswith("actions/setup-python"):
                    assert (step["with"].get("cache"), step["with"].get("cache-dependency-path")) == ("pip", "requirements.txt"), where
                if str(step.get("uses", "")).startswith("actions/setup-node"):
                    assert (step["with"].get("cache"), step["with"].get("cache-dependency-path")) == ("npm", "package-lock.json"), where
            if needing := [i for i, target in enumerate(targets) if target in NPM_TARGETS]:
                node = [i for i, step in enumerate(steps) if str(step.get("uses", "")).startswith("actions/setup-node")]
                assert node and node[0] < needing[0], f"{where}: npm ci runs without setup-node's npm cache before it"
            if needing := [i for i, target in enumerate(targets) if target in browser_targets]:
                key = only([i for i, target in enumerate(targets) if target == "browser-cache-key"], "make browser-cache-key step", where)
                cache = only([i for i, step in enumerate(steps) if str(step.get("uses", "")).startswith("actions/cache@")
                              and step["with"]["path"] == "~/.cache/ms-playwright"], "browser cache", where)
                assert key < cache < needing[0], f"{where}: the browsers' cache is restored after the set-up that downloads them"
                assert steps[cache]["with"]["key"] == f"ms-playwright-${{{{ steps.{steps[key]['id']}.outputs.key }}}}", where
                assert "restore-keys" not in steps[cache]["with"], f"{where}: another Playwright version's browsers restored"
                checked.append(where)
    azure = YAML(typ="safe").load(AZURE.read_text())
    variables = azure["variables"]
    assert {name: variables.get(name) for name in ("PIP_CACHE_DIR", "npm_config_cache", "PLAYWRIGHT_BROWSERS_PATH")} == {
        "PIP_CACHE_DIR": "$(Pipeline.Workspace)/.pip", "npm_config_cache": "$(Pipeline.Workspace)/.npm",
        "PLAYWRIGHT_BROWSERS_PATH": "$(Pipeline.Workspace)/.ms-playwright"}, variables
    for stage in azure["stages"]:
        for job in stage["jobs"]:
            steps, where = job["steps"], f"azure {job['job']}"
            targets = make_targets(steps, "script")
            caches = {step["inputs"]["path"]: (i, step["inputs"]) for i, step in enumerate(steps) if step.get("task") == "Cache@2"}
            first_make = next(i for i, target in enumerate(targets) if target)
            pip = caches.get("$(PIP_CACHE_DIR)")
            assert pip and pip[0] < first_make and pip[1]["key"] == 'pip | "$(Agent.OS)" | requirements.txt', where
            if needing := [i for i, target in enumerate(targets) if target in NPM_TARGETS]:
                npm = caches.get("$(npm_config_cache)")
                assert npm and npm[0] < needing[0] and npm[1]["key"] == 'npm | "$(Agent.OS)" | package-lock.json', where
            if needing := [i for i, target in enumerate(targets) if target in browser_targets]:
                key = only([i for i, target in enumerate(targets) if target == "browser-cache-key"], "make browser-cache-key step", where)
                browsers = caches.get("$(PLAYWRIGHT_BROWSERS_PATH)")
                assert browsers and key < browsers[0] < needing[0], f"{where}: the browsers' cache is restored after the set-up that downloads them"
                assert browsers[1]["key"] == 'ms-playwright | "$(BROWSER_CACHE_KEY)"' and "restoreKeys" not in browsers[1], where
                checked.append(where)
    assert len(checked) == 8, checked  # GitHub: nightly shards, both pull-request jobs, smoke; Azure: the same four


def test_nothing_cached_holds_a_secret_a_report_or_results() -> None:
    """README, CI: the caches hold downloads (and the nightly's report history, which is what it is for), never a report,
    results, evidence or a settings file a later run would read as its own."""
    cached = [str(step["with"]["path"]) for path in WORKFLOWS for job in workflow(path.name)["jobs"].values() for step in job["steps"]
              if str(step.get("uses", "")).startswith("actions/cache")]
    cached += [str(task["inputs"]["path"]) for task in tasks(YAML(typ="safe").load(AZURE.read_text())) if task["task"] == "Cache@2"]
    allowed = {"~/.cache/ms-playwright", ".allure", "$(PIP_CACHE_DIR)", "$(npm_config_cache)", "$(PLAYWRIGHT_BROWSERS_PATH)",
               "$(System.DefaultWorkingDirectory)/.allure"}
    assert len(cached) >= 10 and set(cached) <= allowed, sorted(set(cached) - allowed)


def test_the_browser_cache_key_is_the_os_release_and_the_playwright_version_requirements_txt_pins(tmp_path: Path) -> None:
    """make browser-cache-key: what decides Playwright's download (the OS release picks its build, the version its browsers'
    revisions), handed to the next steps as GitHub's step output and Azure's variable; another pin is another key, and
    requirements.txt without a Playwright pin stops it rather than give a key that every version shares."""
    import platform

    release = platform.freedesktop_os_release()
    pin = re.search(r"^playwright==(\S+)$", (ROOT / "requirements.txt").read_text(), re.M)
    assert pin
    output = tmp_path / "github-output"
    env = {**os.environ, "GITHUB_OUTPUT": str(output), "TF_BUILD": "True"}
    ran = subprocess.run(["make", "-s", "browser-cache-key"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    key = f"{release['ID']}-{release['VERSION_ID']}-{platform.machine()}-playwright-{pin.group(1)}"
    assert ran.returncode == 0 and ran.stdout.splitlines() == [key, f"##vso[task.setvariable variable=BROWSER_CACHE_KEY]{key}"], ran
    assert output.read_text() == f"key={key}\n"
    (tmp_path / "requirements.txt").write_text("pytest==9.2.0\nplaywright==1.99.0  # pinned\n")
    other = subprocess.run(["make", "-s", "-f", str(ROOT / "Makefile"), "browser-cache-key"], cwd=tmp_path,
                           env={**os.environ, "GITHUB_OUTPUT": "", "TF_BUILD": ""}, capture_output=True, text=True, timeout=60)
    assert other.stdout.splitlines() == [key.replace(pin.group(1), "1.99.0")], other  # the pin alone, not its comment's blanks
    (tmp_path / "requirements.txt").write_text("pytest==9.2.0\n")
    none = subprocess.run(["make", "-s", "-f", str(ROOT / "Makefile"), "browser-cache-key"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60)
    assert none.returncode == 2 and "requirements.txt pins no playwright==VERSION" in none.stderr, none


def test_the_readme_says_azures_pr_trigger_runs_nothing_for_azure_repos_git() -> None:
    """Azure reads a YAML `pr` trigger for GitHub and Bitbucket Cloud repositories only; in Azure Repos Git a pull request
    runs the pipeline through the target branch's build validation policy. The README's pull-request row says so."""
    assert YAML(typ="safe").load(AZURE.read_text())["pr"]["branches"]["include"] == ["main"]
    readme = (ROOT / "README.md").read_text()
    row = only([line for line in readme.splitlines() if line.startswith("| pull request |")], "pull request row", "README")
    assert re.search(r"Azure's `pr` trigger, which Azure reads for GitHub and Bitbucket Cloud repositories only: in Azure Repos Git "
                     r"a pull request runs the pipeline through a branch policy \(the target branch's Build Validation", row), row


def test_the_readme_says_two_azure_nightlies_at_once_lose_a_night_and_how_to_queue_them() -> None:
    """GitHub queues a second nightly (concurrency); Azure has no YAML-only queue (`lockBehavior` needs an Exclusive Lock
    check on a protected resource, which the pipeline cannot add), so the README says the limit beside the history
    cache, and the set-up step that lifts it. A pipeline that sets lockBehavior has had that set-up: then say that instead."""
    nightly = workflow("nightly.yml")
    assert nightly["concurrency"] == {"group": "nightly-${{ github.ref }}", "cancel-in-progress": False}
    assert "lockBehavior" not in AZURE.read_text(), "the pipeline queues its nightlies now: the README's limit no longer holds"
    readme = " ".join((ROOT / "README.md").read_text().split())
    history = readme.index("Azure's history cache (`Cache@2`) is saved only by a job that succeeded")
    limit = readme.find("Two nightlies at once lose a night of the trend on Azure")
    assert history < limit < history + 1500, "README: the Azure nightlies' overlap, next to the history cache"
    said = readme[limit:limit + 1500]
    for step in ("Exclusive Lock", "`lockBehavior: sequential`", "`runLatest`", "start no manual nightly while one runs"):
        assert step in said, step
