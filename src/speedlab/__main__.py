"""``python -m speedlab``: the same command as ``speedlab``."""

from speedlab.cli import run

if __name__ == "__main__":
    run()
