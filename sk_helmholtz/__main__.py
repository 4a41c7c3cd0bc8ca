"""Run the 3x3 bars demonstration: ``python -m sk_helmholtz``."""

from .demo import main

if __name__ == "__main__":
    main()
