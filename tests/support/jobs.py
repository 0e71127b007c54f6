"""Polling an API job to its end: long polls, no deadline tied to this machine's speed."""

from typing import Any

from fastapi.testclient import TestClient

ENDED = ("done", "failed", "interrupted")


def poll_job(client: TestClient, location: str) -> dict[str, Any]:
    """The job at `location` once it has ended."""
    while True:
        job: dict[str, Any] = client.get(location, params={"wait": 30}).json()
        if job["status"] in ENDED:
            return job
