"""How `journeymap --help` reads. typer 0.29 prints a value type beside every option, flags
included (`--json <bool>`, `--help <bool>`, as if they took a value), and writes arguments as
`{a} {b}` in the usage line; these command classes print a flag without a type and name
arguments in capitals, as the usage lines in the README do (`diff [OPTIONS] A B`).

`ctx` is typed Any below: typer's Context base class lives in its private vendored click."""

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption
from typer.models import CommandFunctionType

_NAMES = {str: "TEXT", Path: "PATH", int: "N", float: "NUMBER"}


def _value_name(annotation: Any) -> str | None:
    """What an option takes, as a user reads it: TEXT, PATH, N, NUMBER, or its choices
    (`auto|en|zh`); a list's items (the option repeats); None when unknown."""
    args = [a for a in get_args(annotation) if a is not type(None)]
    if get_origin(annotation) is Literal:
        return "|".join(str(a) for a in args)
    if get_origin(annotation) in (list, tuple) or (args and len(args) == 1):
        return _value_name(args[0]) if args else None
    return _NAMES.get(annotation)


def _plain(params: list[Any]) -> None:
    for param in params:
        if isinstance(param, TyperOption) and param.is_flag and param.metavar is None:
            param.metavar = ""  # a flag takes no value: nothing in the type column
        elif isinstance(param, TyperOption) and param.metavar is None:
            # a value's kind, not typer's Python type (`<list[Path]>`, `<str>`)
            descriptor = getattr(param, "type_descriptor", None)
            name = _value_name(getattr(descriptor, "annotation", None))
            if name:
                param.metavar = name
        elif isinstance(param, TyperArgument) and param.metavar is None and param.name:
            param.metavar = param.name.upper()
            descriptor = getattr(param, "type_descriptor", None)
            name = _value_name(getattr(descriptor, "annotation", None))
            if name:  # the type column (typer shows `<list[Path]>` for an argument)
                shown = name + ("..." if param.nargs != 1 else "")
                setattr(param, "display_type_rich", lambda ctx, shown=shown: shown)  # noqa: B010


def _usage(options: str | None, params: list[Any]) -> list[str]:
    """The usage line's pieces: `[OPTIONS]`, then each argument (`[NAME]` if optional,
    `NAME...` if it repeats)."""
    pieces = [options] if options else []
    for param in params:
        if isinstance(param, TyperArgument):
            name = (param.metavar or str(param.name).upper()) + ("..." if param.nargs != 1 else "")
            pieces.append(name if param.required else f"[{name}]")
    return pieces


class _PlainHelp:
    """Help that shows flags without a type (a command's and a group's alike)."""

    params: list[Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _plain(self.params)

    def get_help_option(self, ctx: Any) -> TyperOption | None:
        """The --help option, shown without a type."""
        option = super().get_help_option(ctx)  # type: ignore[misc]
        _plain([option])
        return option  # type: ignore[no-any-return]


class Command(_PlainHelp, TyperCommand):
    """A command whose help shows flags without a type and arguments by name."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """`[OPTIONS] A B`, not `[OPTIONS] {a} {b}`."""
        return _usage(self.options_metavar, self.get_params(ctx))


class Group(_PlainHelp, TyperGroup):
    """A group of commands (`journeymap`, `journeymap edit`) whose help is shown the same way."""


class App(typer.Typer):
    """A typer app whose commands (and sub-apps, when made with `App`) use the classes above."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cls=Group, **kwargs)

    def command(
        self, name: str | None = None, *, cls: type[TyperCommand] | None = None, **kwargs: Any
    ) -> Callable[[CommandFunctionType], CommandFunctionType]:
        """Register a command; its help reads as the module says."""
        return super().command(name, cls=cls or Command, **kwargs)
