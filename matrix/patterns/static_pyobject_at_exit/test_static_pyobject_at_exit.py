import os
import subprocess
import sys

import static_pyobject_at_exit as m


def test_interpreter_exits_cleanly_with_a_kept_object():
    here = os.path.dirname(m.__file__)
    code = "import static_pyobject_at_exit as m; assert m.keep([1] * 10); print('kept')"
    env = dict(os.environ, PYTHONPATH=here)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "kept"
