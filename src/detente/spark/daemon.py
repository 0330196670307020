"""PySpark's daemon with Detente's models loaded before it forks its Python workers (spark.python.daemon.module).

Every worker then shares the models, as the local engine's pool does, and starts coding at once. With worker reuse
off (session() sets both), each task gets a fresh fork: spaCy's string store, which only grows, never outlives a
task, so a worker's memory stays flat however long the run.
"""
import contextlib
import sys

if __name__ == "__main__":
    try:
        with contextlib.redirect_stdout(sys.stderr):  # the daemon's stdout carries its port to the JVM
            from detente.pipeline import _stages
            _stages()
    except Exception as err:  # the workers load the models themselves, as without this module
        print(f"detente.spark.daemon: models not preloaded: {type(err).__name__}: {err}", file=sys.stderr)
    from pyspark.daemon import manager
    manager()
