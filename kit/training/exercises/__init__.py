"""Exercise definitions, one module per notebook (``nbNN``) or course (``two_ledgers``).

Each module calls :func:`kit.training.register` at import; :func:`kit.training.get` imports
them all the first time it is used.
"""
