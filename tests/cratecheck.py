"""roc-validator run offline on an RO-Crate: the RO-Crate 1.1 context is served from rocrate's bundled copy."""

import io
from pathlib import Path

import requests_cache
import rocrate
import urllib3
from requests.adapters import HTTPAdapter

CONTEXT_URL = "https://w3id.org/ro/crate/1.1/context"
PROFILE = "workflow-run-crate-0.5"


class BundledContext(HTTPAdapter):
    """Answers a request for the RO-Crate 1.1 context with rocrate's own copy of it, and any other with a 404."""

    def send(self, request, **kwargs):
        found = request.url == CONTEXT_URL
        body = (Path(rocrate.__file__).parent / "data" / "ro-crate.jsonld").read_bytes() if found else b""
        raw = urllib3.HTTPResponse(body=io.BytesIO(body), headers={"Content-Type": "application/ld+json"},
                                   status=200 if found else 404, preload_content=False, request_url=request.url)
        return self.build_response(request, raw)


def warm_cache(cache: Path) -> Path:
    """An HTTP cache (roc-validator's kind) that holds the context, so the validator needs no network."""
    session = requests_cache.CachedSession(str(cache), backend="sqlite", allowable_methods=("GET",))
    session.mount("https://", BundledContext())
    session.get(CONTEXT_URL, headers={"Accept": "application/ld+json, application/json"}).raise_for_status()
    session.close()
    return cache


def validate_offline(crate: Path, cache: Path, severity: str = "REQUIRED"):
    """roc-validator's result for a crate folder against the Workflow Run Crate profile, HTTP served from the cache only."""
    from rocrate_validator import services
    from rocrate_validator.models import Severity
    from rocrate_validator.utils.http import HttpRequester

    HttpRequester.reset()  # a singleton: each validation uses its own cache, offline
    return services.validate({"rocrate_uri": str(crate), "profile_identifier": PROFILE, "offline": True,
                              "cache_path": str(cache), "requirement_severity": Severity[severity]})


def issues(result) -> list[str]:
    """Each problem the validator found, as 'check: message'."""
    return [f"{issue.check.identifier}: {issue.message}" for issue in result.get_issues()]
