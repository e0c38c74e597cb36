"""The suite asks a deployed Mobile ID emulator for its robot numbers: none named is a skip, a broken answer a failure.

The journeys (ControlAPI.robots) and the preflight's row judge the same answer one way (ControlAPI.list_robots)."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest

from fixtures.causes import INFRASTRUCTURE, TENANT_CONFIGURATION, Cause, JourneyFailure
from fixtures.mobile_id import ControlAPI, ControlAPIError, MobileID
from fixtures.preflight import Preflight, Row
from fixtures.settings import SEED_METADATA_URL, PhoneOutcome, Settings, build_settings

BASE = "https://mid.example/control"
SECRET = "s3cr3t-control-token"
TENANT = {"E2E_TARGET": "tenant", "B2C_TENANT": "fabrikam", "B2C_CLIENT_ID": "5ca1ab1e-0000-4000-8000-00000000c0de", "B2C_POLICIES": "B2C_1_susi",
          "MOBILEID_CONTROL_URL": BASE, "MOBILEID_CONTROL_TOKEN": SECRET,
          "MOBILEID_METADATA_URL": "https://mid.example/.well-known/openid-configuration"}  # the deployed emulator's, as its control API
OFF = '{"error": "control_off", "error_description": "this emulator\'s control API is off: set MOBILEID_CONTROL_TOKEN"}'


def client(status: int, body: str) -> httpx.Client:
    transport = httpx.MockTransport(lambda request: httpx.Response(status, text=body, headers={"Content-Type": "application/json"}))
    return httpx.Client(transport=transport)


def control(status: int, body: str) -> ControlAPI:
    return ControlAPI(client(status, body), BASE, SECRET)


def test_the_numbers_it_names_are_taken() -> None:
    assert control(200, '{"robots": {"busy": "+41000092406"}}').robots() == {"busy": "+41000092406"}


def older_emulator(request: httpx.Request) -> httpx.Response:
    """An emulator from before GET /robots: the emulator's own 404 there, its transactions listed."""
    if request.url.path.endswith("/transactions"):
        return httpx.Response(200, json={"transactions": []})
    return httpx.Response(404, json={"error": "not_found"})


def test_an_emulator_without_the_call_names_none() -> None:
    older = ControlAPI(httpx.Client(transport=httpx.MockTransport(older_emulator)), BASE, SECRET)
    assert older.robots() == {}
    assert older.list_robots() is None


def test_the_emulators_url_without_the_control_path_is_named() -> None:
    """Its issuer URL (no /control): the emulator answers every route there with its own 404, so it is not an older one."""
    with pytest.raises(ControlAPIError, match=rf"{BASE} is not the emulator's control API: neither {BASE}/robots nor .*Fix: "
                                              "MOBILEID_CONTROL_URL must end in the control API's path"):
        control(404, '{"error": "not_found"}').list_robots()


@pytest.mark.parametrize(("status", "body"), [(500, "boom"), (200, "not json"), (200, '{"numbers": {}}'), (200, '{"robots": [["busy", "+41000092406"]]}')])
def test_a_broken_answer_fails_naming_the_call_and_what_came(status: int, body: str) -> None:
    with pytest.raises(AssertionError, match=rf"{BASE}/robots answered HTTP {status}, not the robot numbers: .*Fix: "):
        control(status, body).robots()


@pytest.mark.parametrize(("status", "body"), [(404, "Not Found"), (404, "<html>no such page</html>"), (404, '{"detail": "Not Found"}')])
def test_a_404_that_is_not_the_emulators_is_a_wrong_control_url(status: int, body: str) -> None:
    """Every version of the emulator answers a route it lacks with {"error": "not_found"}: another 404 is another server."""
    with pytest.raises(ControlAPIError, match="MOBILEID_CONTROL_URL must be the deployed emulator's control API"):
        control(status, body).robots()


@pytest.mark.parametrize(("status", "body", "says", "cause"), [
    (404, '{"error": "not_found"}', "Mobile ID started no transaction for +41791234567 within 1 s", None),
    (404, "Not Found", "MOBILEID_CONTROL_URL must be the deployed emulator's control API", TENANT_CONFIGURATION),
    # A phone's call by its route: one failing emulator is one cause in the report, not one per number, and no number quoted
    (502, "bad gateway", "/phones/{msisdn}/approve answered HTTP 502 to approve: bad gateway. Fix: the Mobile ID emulator at "
                         "MOBILEID_CONTROL_URL (or a gateway in front of it) is failing", INFRASTRUCTURE),
    # A gateway's page: its title, not its markup
    (502, "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr>nginx</body></html>",
     "/phones/{msisdn}/approve answered HTTP 502 to approve: 502 Bad Gateway. Fix:", INFRASTRUCTURE),
    (401, "", "/phones/{msisdn}/approve refused the call (HTTP 401). Fix: set MOBILEID_CONTROL_TOKEN", TENANT_CONFIGURATION),
    # The emulator's own refusals: the journey's state (the phone answered already), not the run's settings.
    (409, '{"error": "not_pending", "transaction": {}}',
     "Mobile ID's emulator refused to approve on +41791234567: not_pending (the transaction was answered or ended already)", None),
    (400, '{"error": "invalid_wait", "error_description": "wait must be 0 to 60 seconds"}',
     "refused to approve on +41791234567: invalid_wait wait must be 0 to 60 seconds", None),
])
def test_approving_judges_the_answer_as_the_robots_call_does(status: int, body: str, says: str, cause: str | None) -> None:
    with pytest.raises(AssertionError, match=re.escape(says)) as failed:
        control(status, body).answer("+41791234567", "approve", wait=1)
    assert (failed.value.cause.name if isinstance(failed.value, ControlAPIError) else None) == cause


def test_a_control_api_that_is_off_fails_saying_so() -> None:
    with pytest.raises(AssertionError, match=f"control API: {BASE} is off: .*MOBILEID_CONTROL_TOKEN.*Fix: turn the"):
        control(404, OFF).robots()
    with pytest.raises(AssertionError, match="is off"):
        control(404, OFF).answer("+41791234567", "approve", wait=1)


def test_a_failure_names_its_cause_for_the_report() -> None:
    with pytest.raises(ControlAPIError) as refused:
        control(401, "").robots()
    assert refused.value.cause.name == TENANT_CONFIGURATION and "MOBILEID_CONTROL_TOKEN" in refused.value.fix
    with pytest.raises(ControlAPIError) as failing:
        control(502, "bad gateway").robots()
    assert failing.value.cause.name == INFRASTRUCTURE and failing.value.infrastructure


def unreachable(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("Connection refused", request=request)


@pytest.mark.parametrize("answer", [lambda request: httpx.Response(500, text="Internal Server Error"), unreachable], ids=["500", "no answer"])
def test_an_emulator_failing_or_out_of_reach_is_infrastructure(answer: Callable[[httpx.Request], httpx.Response]) -> None:
    """HTTP 500 as 502, and no answer at all: the machine or the network, worth another attempt, not the run's settings."""
    with pytest.raises(ControlAPIError) as failing:
        ControlAPI(httpx.Client(transport=httpx.MockTransport(answer)), BASE, SECRET).robots()
    assert failing.value.cause.name == INFRASTRUCTURE and failing.value.infrastructure, failing.value


@pytest.mark.parametrize("local", [False, True], ids=["a deployed emulator", "the local stack's"])
def test_a_control_api_out_of_reach_is_said_with_what_there_is_to_set(local: bool) -> None:
    """A deployed emulator's URL may be wrong; the local stack's is its own, and a stack frozen mid-run (SIGSTOP) had two
    journeys say to set MOBILEID_CONTROL_URL, no setting of a local run."""
    with pytest.raises(ControlAPIError) as failing:
        ControlAPI(httpx.Client(transport=httpx.MockTransport(unreachable)), BASE, SECRET, local=local).end_open_sign_in("+41791234567")
    assert ("MOBILEID_CONTROL_URL" in failing.value.fix) is not local, failing.value.fix
    assert failing.value.fix.startswith("nothing to set: this is the local stack's own Mobile ID") is local, failing.value.fix
    assert failing.value.infrastructure


def test_ending_an_open_sign_in_takes_only_not_pending_as_nothing_open() -> None:
    assert control(409, '{"error": "not_pending"}').end_open_sign_in("+41791234567") is False
    with pytest.raises(ControlAPIError, match="answered HTTP 409 to end an open sign-in"):
        control(409, '{"error": "conflict"}').end_open_sign_in("+41791234567")


def test_the_run_s_robot_numbers_come_before_the_emulators() -> None:
    """MOBILEID_ROBOTS names the number for an outcome; the emulator's list only fills in the others."""
    settings = build_settings({**TENANT, "MOBILEID_ROBOTS": "busy=+41000092406"})
    phone = MobileID(settings, control(200, '{"robots": {"busy": "+41000092406", "user_cancel": "+41000092401"}}'), lambda message: None)
    assert (phone.robot("busy"), phone.robot("user_cancel")) == ("+41000092406", "+41000092401")


EMULATORS = '{"robots": {"busy": "+41000092406", "user_cancel": "+41000092401", "expired": "+41000092208"}}'


@pytest.mark.parametrize(("given", "outcome", "says", "fix"), [
    # Another outcome's number: the journeys failed as that outcome ("busy"), nothing naming the setting.
    ("user_cancel=+41000092406", "user_cancel",
     "MOBILEID_ROBOTS gives +41000092406 for user_cancel, which the deployed emulator lists for busy; its number for user_cancel is +41000092401",
     "leave user_cancel out of MOBILEID_ROBOTS (the journeys then take the emulator's number for it, +41000092401)"),
    # An outcome it lists no number for, given another outcome's.
    ("no_cert=+41000092401", "no_cert",
     "MOBILEID_ROBOTS gives +41000092401 for no_cert, which the deployed emulator lists for user_cancel; it lists no number for no_cert",
     "leave no_cert out of MOBILEID_ROBOTS (the journeys of an outcome the emulator lists no number for then skip)"),
], ids=["another outcome's", "outcome it lists none for"])
def test_a_robot_number_the_emulator_plays_otherwise_fails_its_journeys_naming_the_setting(given: str, outcome: PhoneOutcome, says: str,
                                                                                           fix: str) -> None:
    """MOBILEID_ROBOTS against the numbers the deployed emulator lists: the journeys of an outcome whose number it plays
    otherwise fail naming the setting, the outcome, the number given and the emulator's, as the tenant's configuration;
    the control token never."""
    settings = build_settings({**TENANT, "MOBILEID_ROBOTS": f"{given},expired=+41000092208"})
    phone = MobileID(settings, control(200, EMULATORS), lambda message: None)
    with pytest.raises(JourneyFailure) as failure:
        phone.robot(outcome)
    assert says in str(failure.value) and f"Fix: {fix}" in str(failure.value) and f"GET {BASE}/robots" in str(failure.value), failure.value
    assert failure.value.cause == Cause(TENANT_CONFIGURATION, says), failure.value.cause
    assert SECRET not in f"{failure.value} {failure.value.cause}"
    assert phone.robot("expired") == "+41000092208"  # an outcome whose number agrees runs


@pytest.mark.parametrize("answer", [older_emulator, lambda request: httpx.Response(200, json={"robots": {}}),
                                    lambda request: httpx.Response(200, text=EMULATORS)],
                         ids=["older emulator", "no robots", "a number it lists for no outcome"])
def test_robot_numbers_are_taken_as_given_where_the_emulator_lists_them_for_no_other_outcome(
        answer: Callable[[httpx.Request], httpx.Response]) -> None:
    """Nothing to hold against: MOBILEID_ROBOTS's numbers are the journeys' (an emulator older than GET /robots, one that
    lists none, or a number it lists for no outcome: a test user configured on it with that outcome is in no robot list)."""
    settings = build_settings({**TENANT, "MOBILEID_ROBOTS": "busy=+41000092999"})
    phone = MobileID(settings, ControlAPI(httpx.Client(transport=httpx.MockTransport(answer)), BASE, SECRET), lambda message: None)
    assert phone.robot("busy") == "+41000092999"


def test_robot_numbers_without_a_control_api_are_left_as_they_were() -> None:
    """No control API (the phone's fixture gives none without one): nothing to ask, nothing to compare; the journeys skip
    as before."""
    settings = build_settings({**TENANT, "MOBILEID_ROBOTS": "busy=+41000092999"})
    with pytest.raises(pytest.skip.Exception, match="needs the Mobile ID test number for busy"):
        MobileID(settings, None, lambda message: None).robot("busy")


def answering(status: int, body: str = "", content_type: str = "application/json") -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(status, text=body, headers={"Content-Type": content_type})


ANSWERS = {
    "robots": answering(200, '{"robots": {"busy": "+41000092406"}}'),
    "no robots": answering(200, '{"robots": {}}'),
    "older emulator": older_emulator,
    "the emulator, not its control API": answering(404, '{"error": "not_found"}'),
    "plain 404": answering(404, "Not Found", "text/plain"),
    "control off": answering(404, OFF),
    "refused": answering(401),
    "forbidden": answering(403),
    "failing": answering(502, "bad gateway"),
    "a website": answering(200, "<html>a website</html>", "text/html"),
    "other shape": answering(200, '{"numbers": {}}'),
    "redirect": answering(302),
    "unreachable": unreachable,
}


def preflight_row(settings: Settings, answer: Callable[[httpx.Request], httpx.Response]) -> Row:
    with httpx.Client(transport=httpx.MockTransport(answer)) as http:
        checks = Preflight(settings, http, lambda: None, settings.host_map)
        checks.control_api()
    [row] = checks.rows
    return row


def journeys_outcome(settings: Settings, answer: Callable[[httpx.Request], httpx.Response]) -> dict[str, str] | ControlAPIError:
    with httpx.Client(transport=httpx.MockTransport(answer)) as http:
        try:
            return ControlAPI(http, BASE, settings.control_token).robots()
        except ControlAPIError as error:
            return error


# The answers a run goes on with; every other one stops the preflight and fails the journeys that ask, with this fix.
GOOD_ANSWERS = ("robots", "no robots", "older emulator")
WRONG_URL = "MOBILEID_CONTROL_URL must be the deployed emulator's control API"
FIXES = {"plain 404": WRONG_URL, "control off": "turn the deployed emulator's control API on", "refused": "set MOBILEID_CONTROL_TOKEN",
         "forbidden": "set MOBILEID_CONTROL_TOKEN", "failing": "(or a gateway in front of it) is failing: see its log", "a website": WRONG_URL,
         "other shape": WRONG_URL, "redirect": WRONG_URL, "unreachable": WRONG_URL + ", reachable from here",
         "the emulator, not its control API": "MOBILEID_CONTROL_URL must end in the control API's path"}


def test_each_answer_is_in_one_table_once() -> None:
    assert set(GOOD_ANSWERS).isdisjoint(FIXES) and set(GOOD_ANSWERS) | set(FIXES) == set(ANSWERS), \
        f"in both tables: {set(GOOD_ANSWERS) & set(FIXES)}; in neither: {set(ANSWERS) - set(GOOD_ANSWERS) - set(FIXES)}; " \
        f"not an answer: {(set(GOOD_ANSWERS) | set(FIXES)) - set(ANSWERS)}"


@pytest.mark.parametrize("name", ANSWERS)
def test_the_preflight_and_the_journeys_judge_each_answer_alike(name: str) -> None:
    """A row that passes where the journeys fail (or fails where they run) is the drift this guards against."""
    settings, answer = build_settings(TENANT), ANSWERS[name]
    row, outcome = preflight_row(settings, answer), journeys_outcome(settings, answer)
    assert isinstance(outcome, dict) == (name in GOOD_ANSWERS), outcome
    if name in FIXES:
        assert FIXES[name] in row.fix, row
    if isinstance(outcome, ControlAPIError):
        assert row.failed, (row, outcome)
        assert (row.detail, row.fix, row.cause) == (outcome.problem, outcome.fix, outcome.cause.name)
        assert (row.cause == INFRASTRUCTURE) == outcome.infrastructure
        assert SECRET not in f"{row.detail} {row.fix} {outcome}"
    else:
        assert row.status == "ok", (row, outcome)
        assert (f"({len(outcome)} robot numbers)" in row.detail) if outcome else ("lists no robot numbers" in row.detail), row


@pytest.mark.parametrize(("env", "says"), [
    ({}, "skip, MOBILEID_ROBOTS being unset"),
    ({"MOBILEID_ROBOTS": "busy=+41000092406"}, "journeys take MOBILEID_ROBOTS (busy) and skip the journeys of any other outcome"),
])
def test_an_emulator_that_lists_no_numbers_passes_saying_what_the_journeys_then_do(env: dict[str, str], says: str) -> None:
    settings = build_settings({**TENANT, **env})
    row = preflight_row(settings, ANSWERS["older emulator"])
    assert row.status == "ok" and "/robots is not there" in row.detail and says in row.detail, row
    # ... and the journeys do just that: MOBILEID_ROBOTS's numbers, a skip for the rest.
    phone = MobileID(settings, ControlAPI(httpx.Client(transport=httpx.MockTransport(older_emulator)), BASE, SECRET), lambda message: None)
    if settings.robots:
        assert phone.robot("busy") == "+41000092406"
    with pytest.raises(pytest.skip.Exception, match="set MOBILEID_ROBOTS"):
        phone.robot("user_cancel")


def test_the_preflight_names_robot_numbers_the_emulator_plays_otherwise_and_lets_the_run_go_on() -> None:
    """The run's first table says what the journeys of that outcome will meet (the others run: the row passes)."""
    row = preflight_row(build_settings({**TENANT, "MOBILEID_ROBOTS": "busy=+41000092401,user_cancel=+41000092401,expired=+41000092999"}),
                        answering(200, EMULATORS))
    assert row.status == "ok" and row.detail == (
        f"{BASE} answers (3 robot numbers); but MOBILEID_ROBOTS gives +41000092401 for busy, which the deployed emulator lists "
        "for user_cancel; its number for busy is +41000092406: its journeys fail until MOBILEID_ROBOTS gives the emulator's number "
        "or leaves the outcome out"), row
    assert preflight_row(build_settings({**TENANT, "MOBILEID_ROBOTS": "busy=+41000092406"}), answering(200, EMULATORS)).detail == \
        f"{BASE} answers (3 robot numbers)"


def test_a_deployed_emulators_control_api_with_the_real_services_discovery_fails_its_row_naming_both_fixes() -> None:
    """MOBILEID_MODE=emulator (the default) with a deployed emulator's control API, MOBILEID_METADATA_URL left unset: the
    tenant is checked against the real Mobile ID. Federated with it, every journey's phone waited out its timeout, the
    emulator approving numbers the tenant's sign-ins never reached; the row says so before any journey."""
    row = preflight_row(build_settings({**TENANT, "MOBILEID_METADATA_URL": ""}), ANSWERS["robots"])
    assert row.failed and row.cause == TENANT_CONFIGURATION and f"{BASE} is a deployed emulator's" in row.detail, row
    assert "set MOBILEID_METADATA_URL to its discovery, https://mid.example/.well-known/openid-configuration" in row.fix, row
    assert "set MOBILEID_MODE=real and MOBILEID_TEST_NUMBER, and unset MOBILEID_CONTROL_URL and MOBILEID_CONTROL_TOKEN" in row.fix, row
    assert SECRET not in f"{row.detail} {row.fix}"
    # The local stack's emulator stands in for the real service under its names: its control API is the real service's host's.
    stand_in = build_settings({**TENANT, "MOBILEID_METADATA_URL": "", "MOBILEID_CONTROL_URL": "https://openid.mobileid.ch/control"})
    assert preflight_row(stand_in, ANSWERS["robots"]).status == "ok"


def test_a_deployed_emulators_control_api_with_the_real_services_discovery_set_is_not_said_to_be_unset() -> None:
    """MOBILEID_METADATA_URL written out as the real service's discovery (copied from the seed) fails the row alike; the
    row said the setting was unset, which the reader who set it finds untrue."""
    row = preflight_row(build_settings({**TENANT, "MOBILEID_METADATA_URL": SEED_METADATA_URL}), ANSWERS["robots"])
    assert row.failed and f"{BASE} is a deployed emulator's" in row.detail and "is unset" not in row.detail, row
    assert "MOBILEID_METADATA_URL names the real Mobile ID's discovery" in row.detail, row


def test_the_token_never_shows_in_the_control_apis_repr() -> None:
    assert SECRET not in repr(control(200, "{}")) and BASE in repr(control(200, "{}"))


def test_the_phone_asks_the_control_api_to_hold_its_call_no_longer_than_it_may() -> None:
    """A long MOBILEID_APPROVAL_TIMEOUT: the control API holds a call at most 120 s (a longer wait it refuses, invalid_wait)."""
    waits: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        waits.append(request.url.params["wait"])
        return httpx.Response(200, json={"status": "approved"})

    phone = MobileID(build_settings({**TENANT, "MOBILEID_APPROVAL_TIMEOUT": "300"}),
                     ControlAPI(httpx.Client(transport=httpx.MockTransport(answer)), BASE, SECRET), lambda message: None)
    phone.approve("+41791234567")
    assert len(waits) == 1 and float(waits[0]) <= 120, waits
