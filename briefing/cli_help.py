"""Help that reads well: Typer's rich help without type hints on flags, and usage lines that follow the metavar."""

from __future__ import annotations

from typing import Any


def plain_help() -> None:
    """Typer's rich help prints `<bool>` beside every on/off flag, `<list[str]>` beside SOURCE and writes the usage
    as `{sources}...`: a flag takes no value, and the usage should read `SOURCE...` as the metavar says."""
    from typer.core import TyperArgument, TyperOption

    option_type = getattr(TyperOption, "display_type_rich", None)
    if option_type is None or getattr(option_type, "_plain", False):
        return

    def flag_type(self: TyperOption, ctx: Any) -> str | None:
        return None if self.is_flag else option_type(self, ctx)

    def no_type(self: TyperArgument, ctx: Any) -> str | None:
        return None

    usage = getattr(TyperArgument, "_usage_display_name", None)

    def usage_name(self: TyperArgument) -> str:
        return str(self.metavar if self.metavar is not None or usage is None else usage(self))

    flag_type._plain = True  # type: ignore[attr-defined]
    TyperOption.display_type_rich = flag_type  # type: ignore[method-assign]
    TyperArgument.display_type_rich = no_type  # type: ignore[method-assign, assignment]
    if usage is not None:
        TyperArgument._usage_display_name = usage_name  # type: ignore[method-assign]
