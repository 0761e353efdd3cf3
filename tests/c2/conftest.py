"""The console's tests reuse the HTTP suite's API (gateway over the loaded test database) and worker."""

from tests.http.conftest import api, api_db, worker  # noqa: F401  (pytest fixtures)
