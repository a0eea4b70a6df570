pytest_plugins = ["tests.fixtures.sandbox", "tests.fixtures.env"]
