"""What other domains register with surveys, so `surveys` never imports them.

`invitations` tells which input stream (`open` or `invited`) a new response is in.
"""

from __future__ import annotations

from collections.abc import Callable

StreamResolver = Callable[[int, int], "str | None"]
_STREAM_RESOLVERS: dict[str, StreamResolver] = {}


def register_stream_resolver(name: str, resolver: StreamResolver) -> None:
    """Ask `resolver(participant_id, policy_id)` which input stream a new response is in.

    It returns a code of `INPUT_STREAMS` or None (no opinion); the first code wins, and
    with none the response is in the `open` stream.
    """
    _STREAM_RESOLVERS[name] = resolver


def resolve_stream(participant_id: int, policy_id: int) -> str:
    """The input stream of a new response by this participant on this policy's survey."""
    for resolver in _STREAM_RESOLVERS.values():
        stream = resolver(participant_id, policy_id)
        if stream:
            return stream
    return "open"
