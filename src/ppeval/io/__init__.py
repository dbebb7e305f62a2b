"""Reading and writing indicator systems and assessments.

* :func:`load_system` / :func:`dump_system` / :func:`dumps_system`: YAML, JSON
  or TOML system files (round trip: load, dump, load gives an equal system);
  :func:`system_from_dict`, :func:`system_to_dict`, :func:`system_problems`.
* :func:`load_narrative`: the texts an evaluator writes for a report.
* :func:`load_assessment`: values, ratings and projects files (CSV in UTF-8,
  GBK/GB18030 or UTF-16, comma/semicolon/tab separated; Excel workbooks; JSON,
  YAML), and :class:`Questionnaire` exports read through a mapping;
  :func:`assessment_from_frames` for pandas or polars DataFrames.
* :func:`json_schema`: the JSON Schema of a system file.
* :func:`write_template`: an empty data template (Excel workbook with data
  validation, or CSV headers) for a system.
* The bundled systems: :func:`list_systems`, :func:`system_path`,
  :func:`load_bundled`, :func:`sample_assessment_paths`, :func:`load_sample`.

Errors name the file, the dotted path or line and column, and the node,
indicator or project concerned.
"""

from __future__ import annotations

from ppeval.io._assessment import PROJECT_COLUMNS, RATING_COLUMNS, assessment_from_frames, load_assessment
from ppeval.io._errors import FileProblem
from ppeval.io._narrative import load_narrative
from ppeval.io._questionnaire import QuestionMap, Questionnaire, QuestionnaireMapping
from ppeval.io._read import MAX_DATA_BYTES, MAX_SYSTEM_BYTES
from ppeval.io._system import (
    dump_system,
    dumps_system,
    load_system,
    system_from_dict,
    system_problems,
    system_to_dict,
)
from ppeval.io.bundled import (
    bundled_dir,
    list_systems,
    load_bundled,
    load_sample,
    sample_assessment_paths,
    system_path,
)
from ppeval.io.judgments import read_judgment_matrix
from ppeval.io.template import write_template
from ppeval.schema import json_schema, json_schema_text

__all__ = [
    "load_system",
    "system_from_dict",
    "system_problems",
    "system_to_dict",
    "dump_system",
    "dumps_system",
    "load_assessment",
    "load_narrative",
    "assessment_from_frames",
    "Questionnaire",
    "QuestionnaireMapping",
    "QuestionMap",
    "json_schema",
    "json_schema_text",
    "FileProblem",
    "PROJECT_COLUMNS",
    "RATING_COLUMNS",
    "MAX_SYSTEM_BYTES",
    "MAX_DATA_BYTES",
    "bundled_dir",
    "list_systems",
    "system_path",
    "load_bundled",
    "sample_assessment_paths",
    "load_sample",
    "read_judgment_matrix",
    "write_template",
]
