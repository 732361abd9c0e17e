"""Every way a document is read gives the same answer, word for word.

Where PyYAML has libyaml, documents are read with its C parser: a text that
cannot hold aliases is composed by libyaml and only its nesting checked; any
other text goes through the bounded event loop, as with the pure-Python
parser. Valid documents must come back with the same derived type and
parameters, invalid ones with the same error code and message, on all paths.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from test_real_documents import COMPONENTS

from imagebuilder_mock._domain import bounded_yaml, documents

DOCUMENTS = Path(__file__).parent / "documents"

PATHS = ["python"] + (["c", "c-events"] if "c" in bounded_yaml.LOADERS else [])

STEP = (
    "      - name: Say\n        action: ExecuteBash\n"
    "        inputs:\n          commands: [echo hi]\n"
)
HEAD = "schemaVersion: 1.0\nphases:\n  - name: build\n    steps:\n"

# Invalid texts, with and without characters that may start an anchor or alias.
INVALID = {
    "mapping in a plain scalar": HEAD + STEP + "extra: a: b\n",
    "unclosed flow sequence": HEAD + STEP + "extra: [1, 2\n",
    "unclosed quote": HEAD + STEP + 'extra: "open\n',
    "tab indentation": HEAD + "\t- name: x\n",
    "two documents": HEAD + STEP + "---\nmore: 1\n",
    "bad indentation": HEAD + STEP + "   oops: 1\n  - x\n",
    "not a mapping": "- just\n- a list\n",
    "a scalar": "just text\n",
    "undefined alias": HEAD + STEP + "extra: *nothing\n",
    "duplicate anchor use before definition": HEAD + STEP + "a: *x\nb: &x 1\n",
    "cycle": HEAD + STEP + "extra: &c [*c]\n",
    "too deep without aliases": HEAD + STEP + "extra: " + "[" * 70 + "]" * 70 + "\n",
    "too deep after a shell operator": HEAD
    + STEP.replace("echo hi", "'a && b'")
    + "extra: "
    + "[" * 70
    + "]" * 70
    + "\n",
    "libyaml's own nesting limit": HEAD + STEP + "extra: " + "[" * 7000 + "]" * 7000 + "\n",
    "invalid step after valid YAML": HEAD
    + "      - name: bad name!\n        action: ExecuteBash\n",
    "directive only": "%YAML 1.1\n",
}


def _use(path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "YAML_PARSER", path.removesuffix("-events"))
    monkeypatch.setattr(
        bounded_yaml,
        "_COMPOSED_IN_C",
        set() if path == "c-events" else {bounded_yaml.LOADERS.get("c")} - {None},
    )


def _answer(client: Any, data: str, platform: str, name: str) -> tuple[str, Any]:
    try:
        arn = client.create_component(
            name=name, semanticVersion="1.0.0", platform=platform, data=data
        )["componentBuildVersionArn"]
    except ClientError as error:
        return "refused", (error.response["Error"]["Code"], error.response["Error"]["Message"])
    component = client.get_component(componentBuildVersionArn=arn)["component"]
    return "accepted", (component["type"], component.get("parameters"))


def _answers(
    client: Any, monkeypatch: pytest.MonkeyPatch, data: str, platform: str = "Linux"
) -> dict[str, tuple[str, Any]]:
    answers = {}
    for index, path in enumerate(PATHS):
        _use(path, monkeypatch)
        answers[path] = _answer(client, data, platform, f"parsers-{index}")
    return answers


@pytest.mark.parametrize("case", sorted(INVALID))
def test_invalid_documents_get_the_same_error_on_every_path(
    imagebuilder_client: Any, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    answers = _answers(imagebuilder_client, monkeypatch, INVALID[case])
    outcome, (code, message) = answers["python"]
    assert outcome == "refused"
    assert code == "InvalidParameterValueException"
    assert message.startswith("The value supplied for parameter 'data' is not valid. ")
    assert all(answer == answers["python"] for answer in answers.values()), answers


@pytest.mark.parametrize("file", sorted(COMPONENTS))
def test_real_documents_read_the_same_on_every_path(
    imagebuilder_client: Any, monkeypatch: pytest.MonkeyPatch, file: str
) -> None:
    data = (DOCUMENTS / "components" / file).read_text(encoding="utf-8")
    platform = COMPONENTS[file][0]
    answers = _answers(imagebuilder_client, monkeypatch, data, platform)
    assert answers["python"][0] == "accepted", answers["python"]
    assert all(answer == answers["python"] for answer in answers.values()), answers


@pytest.mark.parametrize("file", sorted(COMPONENTS))
def test_every_path_loads_the_same_data(file: str) -> None:
    # The derived fields above could agree while the loaded data differs.
    data = (DOCUMENTS / "components" / file).read_text(encoding="utf-8")
    loaded = [bounded_yaml.load(data, loader) for loader in bounded_yaml.LOADERS.values()]
    assert loaded[0] is not None
    assert all(each == loaded[0] for each in loaded)
