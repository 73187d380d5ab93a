"""The analyst notebooks run top to bottom on a real Jupyter kernel against the gold lake a real night built.

One kernel serves the module, so its Spark JVM starts and warms up once (about a minute here): each notebook
runs in it from its first cell, after `%reset -f` clears what the one before defined, as a reader's
"Restart & Run All" would except for the JVM. The kernel's environment points the notebooks' own
`load_settings()` at the session's gold lake (tests/conftest.py) and the match explorer at a resume file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from lakehouse.config import env_name, load_settings
from tests.conftest import REPO

pytestmark = pytest.mark.spark

NOTEBOOKS = REPO / "notebooks"
# the charts each notebook draws (image/png outputs), one per question
CHARTS = {
    # skill trends, fastest-growing skills, industries, job families, countries, workplace mix, salaries
    "market_overview": 7,
    # the skill's trend, skills asked with it, employers asking for it
    "skill_explorer": 3,
    # match %, skills had and missing per match, skill gap
    "match_explorer": 3,
    # quarantine reasons, quarantine per day, stream reconciliation, duplicates per month, quality issues
    "data_quality": 5,
}
CELL_TIMEOUT_S = 300  # the match cell loads Spark NLP and the embedding model: about a minute on 2 cores
SECRET = "Quetzalbrook"  # a word only the resume has: no notebook output may show it
RESUME_LINES = [
    f"Sam {SECRET}",
    "Senior Data Engineer",
    "Skills: Python, SQL, Apache Spark, Apache Kafka, Airflow and AWS.",
    "Eight years building data pipelines and streaming platforms in London.",
]


@pytest.fixture(scope="module")
def kernel(settings, gold_lake, tmp_path_factory) -> Iterator[KernelManager]:
    """A python3 kernel in the repository whose environment is the test profile over the gold lake."""
    resume = tmp_path_factory.mktemp("resume") / "resume.txt"
    resume.write_text("\n".join(RESUME_LINES), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JOBLAKE_PROFILE", "test")
        for key in ("lake.raw_root", "spark.jars_dir", "kafka.broker_jars_dir"):  # what the `settings` fixture sets
            mp.setenv(env_name(key), str(settings[key]))
        for name, value in gold_lake.items():
            mp.setenv(name, value)
        mp.setenv("JOBLAKE_RESUME", str(resume))
        load_settings.cache_clear()
        km = KernelManager(kernel_name="python3")
        km.start_kernel(cwd=str(REPO))  # the kernel inherits this environment
        try:
            yield km
        finally:
            km.shutdown_kernel(now=True)
            load_settings.cache_clear()


def run(notebook: nbformat.NotebookNode, km: KernelManager) -> nbformat.NotebookNode:
    """Execute every cell of the notebook in the kernel; CellExecutionError on the first cell that raises."""
    client = NotebookClient(
        notebook, km=km, kernel_name="python3", timeout=CELL_TIMEOUT_S, resources={"metadata": {"path": str(REPO)}}
    )
    return client.execute()


def outputs(notebook: nbformat.NotebookNode) -> list[dict]:
    return [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]


@pytest.mark.parametrize("name", list(CHARTS))
def test_notebook_runs_top_to_bottom_and_draws_its_charts(kernel, name):
    run(new_notebook(cells=[new_code_cell("%reset -f")]), kernel)  # nothing carries over from the notebook before
    executed = run(nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4), kernel)

    produced = outputs(executed)
    assert not [o for o in produced if o.output_type == "error"]
    charts = [o for o in produced if "image/png" in o.get("data", {})]
    assert len(charts) >= CHARTS[name], f"{name} drew {len(charts)} charts, {CHARTS[name]} expected"
    assert all(c.execution_count is not None for c in executed.cells if c.cell_type == "code")
    assert SECRET not in json.dumps(produced)  # the resume's text never reaches an output


@pytest.mark.parametrize("name", list(CHARTS))
def test_saved_notebook_is_clean(name):
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    nbformat.validate(notebook)
    assert notebook.nbformat == 4 and notebook.metadata.kernelspec.name == "python3"
    code_cells = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code_cells)
    assert notebook.cells[0].cell_type == "markdown"  # what the notebook answers


def test_every_notebook_is_tested():
    assert {p.stem for p in Path(NOTEBOOKS).glob("*.ipynb")} == set(CHARTS)
