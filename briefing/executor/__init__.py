"""Where the per-article stages run: this process (`--executor local`) or Ray (`--executor ray`, in ray_stages.py).

Ray is an optional extra; `require_ray` turns its absence into the one line that says how to install it.
"""

from __future__ import annotations

from types import ModuleType

from briefing.errors import ConfigError

RAY_INSTALL = "pip install 'briefing[ray]'  (from a checkout: pip install -e '.[ray]')"


def require_ray() -> ModuleType:
    """The `ray` module with Ray Data, or a ConfigError with the install command."""
    try:
        import ray
        import ray.data  # the extra is ray[data]: plain `ray` lacks pandas/pyarrow
    except ImportError as error:
        raise ConfigError(f"--executor ray needs Ray Data ({error.name or 'ray'} is missing): {RAY_INSTALL}") from None
    return ray
