"""``python -m corridors.cli``: the same as the ``corridors`` command."""

from corridors.cli import main

main()
