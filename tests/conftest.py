pytest_plugins = [
    "pytester",
    "tests.fixtures.sandbox",
    "tests.fixtures.env",
    "tests.fixtures.acceptance",
]
