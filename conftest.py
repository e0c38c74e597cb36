"""The journey suite's fixtures live in fixtures/; this file only loads them."""

pytest_plugins = [
    "fixtures.settings_plugin",
    "fixtures.stack",
    "fixtures.stack_exit",
    "fixtures.browser",
    "fixtures.browser_server_watch",
    "fixtures.b2c",
    "fixtures.mobile_id",
    "fixtures.journey",
    "fixtures.accessibility",
    "fixtures.reporting",
    "fixtures.repro",
    "fixtures.retries",
    "fixtures.preflight",
    "fixtures.run_outcome",
    "fixtures.stop_signal",
]
