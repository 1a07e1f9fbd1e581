"""The click group class behind ``abmgraph``: errors as one line, commands loaded on use."""

from __future__ import annotations

from importlib import import_module
from typing import Any

import click

from abmgraph.errors import AbmgraphError

__all__ = ["CommandGroup"]


class CommandGroup(click.Group):
    """A group that imports a command's module only when the command is looked up.

    Commands added with ``add_lazy_command`` are named by ``"module:attribute"``
    and loaded the first time they run or ``--help`` lists them, so one graph
    question never pays for the imports of export or evaluation. Library errors
    become one line on stderr and exit code 1: never a traceback.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands: dict[str, str] = {}

    def add_lazy_command(self, name: str, target: str) -> None:
        """Register ``target`` (``"package.module:command"``) as the command ``name``."""
        self.lazy_commands[name] = target

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy_commands:
            module, attribute = self.lazy_commands[cmd_name].split(":")
            self.add_command(getattr(import_module(module), attribute), cmd_name)
        return super().get_command(ctx, cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] not in self.commands and args[0] not in self.lazy_commands:
            # A mistyped name: load every command, so "Did you mean …?" can suggest any.
            for name in self.lazy_commands:
                self.get_command(ctx, name)
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AbmgraphError as exc:
            raise click.ClickException(str(exc)) from None
