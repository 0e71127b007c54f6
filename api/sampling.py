"""The MCP host's model for one tool call: `sampling/createMessage` sent through the calling
client's session, from the tool's worker thread (or the LLM's request threads) to the event
loop that owns the session.

The face only offers the host's model when the client can take sampling requests;
assistant/ decides whether to use it (JOURNEYMAP_LLM_PROVIDER=mcp-sampling).
"""

import contextlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import anyio.from_thread
import anyio.lowlevel
import mcp_types as types
from mcp.server.mcpserver import Context
from mcp.server.session import ServerSession
from mcp.shared.exceptions import MCPError
from mcp.shared.message import ServerMessageMetadata

from assistant.sampling import Role, Sampled, SamplingError, sampling_with
from journey.errors import ConfigError


class HostSampler:
    """Sampling requests to one client, tied to the tool call that makes them."""

    def __init__(self, ctx: Context[Any, Any], timeout: float) -> None:
        self.session: ServerSession = ctx.session
        self.request_id = ctx.request_context.request_id
        self.timeout = timeout
        info = self.session.client_params.client_info if self.session.client_params else None
        self.host = info.name if info else "mcp-client"
        # The loop that owns the session; requests come from threads it did not start.
        self.token = anyio.from_thread.run_sync(anyio.lowlevel.current_token)

    def sample(
        self,
        system: str,
        turns: Sequence[tuple[Role, str]],
        max_tokens: int,
        temperature: float | None,
        model_hint: str | None,
        stop: Sequence[str] | None,
    ) -> Sampled:
        """The host model's reply, as text, with the model the host names."""
        hints = [types.ModelHint(name=model_hint)] if model_hint else None
        request = types.CreateMessageRequest(
            params=types.CreateMessageRequestParams(
                messages=[
                    types.SamplingMessage(role=role, content=types.TextContent(type="text", text=t))
                    for role, t in turns
                ],
                system_prompt=system,
                max_tokens=max_tokens,
                temperature=temperature,
                stop_sequences=list(stop) if stop else None,
                model_preferences=types.ModelPreferences(hints=hints) if hints else None,
            )
        )

        async def send() -> types.CreateMessageResult:
            # ServerSession.create_message would do the same but warns that sampling is
            # deprecated in the 2026-07-28 draft; hosts speak 2025-11-25, where it is current.
            return await self.session.send_request(
                request,
                types.CreateMessageResult,
                request_read_timeout_seconds=self.timeout,
                # Tied to the tool call: over HTTP it rides the call's own response stream.
                metadata=ServerMessageMetadata(related_request_id=self.request_id),
            )

        try:
            result = anyio.from_thread.run(send, token=self.token)
        except MCPError as exc:
            raise SamplingError(f"the host's model did not answer: {exc}") from exc
        except TimeoutError as exc:
            raise SamplingError(
                "the host's model did not answer in time (raise JOURNEYMAP_LLM_TIMEOUT)"
            ) from exc
        if not isinstance(result.content, types.TextContent):
            raise SamplingError(f"the host's model answered with {result.content.type}, not text")
        return Sampled(result.content.text, result.model)


def progress_of(ctx: Context[Any, Any] | None) -> Callable[[float, str], None] | None:
    """A build's steps as MCP progress notifications to the caller (sent only when its
    request asked for them with a progress token): a host with a 60 s tool timeout saw a map
    build of up to 66 s say nothing. Called from the tool's worker thread."""
    if ctx is None:
        return None
    token = anyio.from_thread.run_sync(anyio.lowlevel.current_token)

    def phase(fraction: float, message: str) -> None:
        with contextlib.suppress(Exception):  # a closed stream never fails the build
            anyio.from_thread.run(
                ctx.report_progress, round(100 * fraction, 1), 100.0, message, token=token
            )

    return phase


def can_sample(ctx: Context[Any, Any]) -> bool:
    """Whether the client declared sampling and this call can carry a request to it (on the
    2026-07-28 draft a tool cannot send one mid-call)."""
    capabilities = ctx.session.client_capabilities
    return bool(capabilities and capabilities.sampling) and ctx.session.can_send_request


class MidCallUnreachable:
    """A client that declared sampling on a protocol where a tool cannot ask it mid-call: any
    request says so (an MCP trial's SDK client, in its default mode, was told it "must support
    sampling" though it had registered a callback)."""

    def __init__(self, ctx: Context[Any, Any]) -> None:
        self.version = ctx.session.protocol_version
        info = ctx.session.client_params.client_info if ctx.session.client_params else None
        self.host = info.name if info else "mcp-client"

    def sample(self, *args: Any, **kwargs: Any) -> Sampled:
        raise ConfigError(
            f"JOURNEYMAP_LLM_PROVIDER=mcp-sampling: this client connected with MCP protocol "
            f"{self.version}, where a tool cannot send sampling/createMessage while it runs "
            "(sampling moved to input-required rounds). Connect with protocol 2025-11-25 (the "
            'Python SDK: Client(..., mode="legacy")), or configure an LLM '
            "(JOURNEYMAP_LLM_PROVIDER=openai, azure or openai-compatible), or set "
            "JOURNEYMAP_LLM_PROVIDER=local"
        )


@contextmanager
def host_model(ctx: Context[Any, Any] | None, timeout: float) -> Iterator[None]:
    """Offer the calling client's model to the work done inside this block, if it has one."""
    if ctx is None:
        yield
        return
    capabilities = ctx.session.client_capabilities
    if capabilities and capabilities.sampling and not ctx.session.can_send_request:
        with sampling_with(MidCallUnreachable(ctx)):
            yield
        return
    if not can_sample(ctx):
        yield
        return
    with sampling_with(HostSampler(ctx, timeout)):
        yield
