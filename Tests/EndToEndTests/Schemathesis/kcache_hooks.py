"""Schemathesis hooks for kcache's openapi.yaml (loaded through SCHEMATHESIS_HOOKS).

- A watch streams until its timeout: every generated watch gets `timeoutSeconds=1` unless it
  already names a shorter one, so each example ends.
- `error_is_a_status`: every error answer (4xx, 5xx) is a Kubernetes `Status` of the same
  code, as the API server answers.
"""
import json

import schemathesis

_FALSE = {"0", "false", "False", "FALSE"}


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    query = case.query or {}
    watch = query.get("watch")
    if watch is not None and str(watch) not in _FALSE:
        timeout = query.get("timeoutSeconds")
        try:
            short = timeout is not None and int(str(timeout)) <= 1
        except ValueError:
            short = False
        if not short:
            query["timeoutSeconds"] = "1"
            case.query = query


@schemathesis.check
def error_is_a_status(ctx, response, case):
    if response.status_code < 400:
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        raise AssertionError(f"{response.status_code} answered with a body that is not JSON: {response.content[:200]!r}")
    if not isinstance(body, dict) or body.get("kind") != "Status" or body.get("apiVersion") != "v1":
        raise AssertionError(f"{response.status_code} answered with something other than a Status: {str(body)[:200]}")
    if body.get("code") != response.status_code:
        raise AssertionError(f"{response.status_code} answered with a Status of code {body.get('code')}")
    return None
