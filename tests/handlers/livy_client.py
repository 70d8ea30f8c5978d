"""sparkmagic's own Livy client, configured for tests without touching ~/.sparkmagic.

sparkmagic reads its configuration on first use; a non-empty `override_all` makes it never read
or create the user's file, and the logging config below keeps its `dictConfig` from writing to
~/.sparkmagic/logs or disabling other loggers. The client is synchronous: call it in a thread
(`asyncio.to_thread`), never on the event loop that runs the Jupyter server under test.
"""

from __future__ import annotations

import os
import tempfile

# Read when sparkmagic.utils.constants is first imported.
os.environ.setdefault("SPARKMAGIC_CONF_DIR", tempfile.mkdtemp(prefix="sparkmagic-conf-"))

import sparkmagic.utils.configuration as sparkmagic_conf
from sparkmagic.livyclientlib.endpoint import Endpoint
from sparkmagic.livyclientlib.livyreliablehttpclient import LivyReliableHttpClient

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"null": {"class": "logging.NullHandler"}},
    "loggers": {"magicsLogger": {"handlers": ["null"], "level": "DEBUG", "propagate": 0}},
}


def configure(headers: dict[str, str]) -> None:
    sparkmagic_conf.override_all(
        {
            "logging_config": LOGGING,
            "custom_headers": dict(headers),
            # Retries only for 5xx: one quick retry keeps a failing test short.
            "retry_policy": "configurable",
            "retry_seconds_to_sleep_list": [0.2],
            "configurable_retry_policy_max_retries": 1,
            # A session waits for its cluster (and Scala for its JVM) on a busy 2-core machine.
            "livy_session_startup_timeout_seconds": 240,
            "wait_for_idle_timeout_seconds": 240,
        }
    )


def http_client(url: str) -> LivyReliableHttpClient:
    return LivyReliableHttpClient.from_endpoint(Endpoint(url, None))
