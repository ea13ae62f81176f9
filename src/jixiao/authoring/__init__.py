"""The authoring format: evaluations written by hand in YAML (or as contract JSON).

This package owns the readable YAML format a unit accountant writes (Chinese keys, English
aliases), reading it into the contract :class:`~jixiao.core.model.Evaluation` with a Chinese
error naming the first bad line, writing an evaluation back in the same format, and the
commented template ``jixiao new`` prints. It does not score: the engine does.

Modules:
    keys         the alias table and the keys each block allows
    yaml_reader  YAML → plain strings with line marks (no YAML 1.1 implicit types)
    loader       ``load_evaluation``/``load_authored``: file → Evaluation (and its scheme), or AuthoringError
    yaml_builder the YAML tree → contract Evaluation (flattening, weights, locations)
    writer       ``to_yaml``: Evaluation → authoring YAML
    template     ``render_template``: the commented template for a scheme

It may import only ``jixiao.core``, ``jixiao.schemes``, ``jixiao.errors`` and PyYAML.
"""

from jixiao.authoring.loader import load_authored
from jixiao.authoring.loader import load_evaluation
from jixiao.authoring.template import render_template
from jixiao.authoring.writer import to_yaml

__all__ = ["load_authored", "load_evaluation", "render_template", "to_yaml"]
