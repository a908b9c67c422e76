import os
import sys

# The tests' helpers (documents.py) and the examples import as modules.
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(os.path.dirname(HERE), "examples")]
